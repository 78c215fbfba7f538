import type { ComponentChildren } from 'preact';

import { describeError } from '../lib/errors';

/** A failed request, said plainly where the data would have been (role=alert: announced). */
export function ErrorMessage({ error, context }: { error: unknown; context?: string }) {
  if (!error) return null;
  const view = describeError(error);
  return (
    <div class="error" role="alert">
      <strong>{context ? `${context}: ` : ''}</strong>
      {view.message}
      {view.requestId && <span class="request-id"> (request id {view.requestId})</span>}
    </div>
  );
}

/** The API's message for one form field, tied to it by id (aria-describedby). */
export function FieldError({ id, message }: { id: string; message?: string }) {
  return message ? (
    <p class="field-error" id={id}>
      {message}
    </p>
  ) : null;
}

/**
 * A labelled form control with an optional hint and the API's message for it. The control
 * (the child) must carry `id` and `aria-describedby={describedBy(...)}`; hint and error sit
 * outside the label so the control's accessible name stays its label.
 */
export function Field(props: {
  id: string;
  label: string;
  errorId?: string;
  hint?: string;
  error?: string;
  children: ComponentChildren;
}) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <span id={`${props.id}-hint`} class="hint">
          {props.hint}
        </span>
      )}
      <FieldError id={props.errorId ?? `${props.id}-error`} message={props.error} />
    </div>
  );
}

/** aria-describedby of a Field's control: its error when there is one, else its hint. */
export function describedBy(error: { id: string; message?: string }, hintOf?: string) {
  return error.message ? error.id : hintOf ? `${hintOf}-hint` : undefined;
}
