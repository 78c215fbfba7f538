import { hash } from 'node:crypto';

import { InvalidInputError } from '../../common/domain-error';

/**
 * Opaque keyset cursor: the last bucket served (epoch microseconds, exact), the query window it
 * belongs to, and a fingerprint of the query, so a cursor replayed against a different query is
 * refused instead of silently skipping or repeating bars. The window travels in the cursor
 * because a query without `start`/`end` defaults relative to "now", which moves between pages.
 */
export interface CursorPosition {
  /** Last bucket served, epoch microseconds as a decimal string. */
  afterMicros: string;
  /** Symbol of that bucket (multi-symbol queries page over (symbol, time)). */
  symbol?: string;
  startMs: number;
  endExclusiveMs: number;
}

interface CursorPayload {
  v: 1;
  t: string;
  s?: string;
  w: [number, number];
  f: string;
}

export function fingerprint(parts: readonly unknown[]): string {
  return hash('sha256', JSON.stringify(parts), 'base64url').slice(0, 16);
}

export function encodeCursor(position: CursorPosition, queryFingerprint: string): string {
  const payload: CursorPayload = {
    v: 1,
    t: position.afterMicros,
    w: [position.startMs, position.endExclusiveMs],
    f: queryFingerprint,
  };
  if (position.symbol !== undefined) payload.s = position.symbol;
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

export function decodeCursor(cursor: string, queryFingerprint: string): CursorPosition {
  const invalid = InvalidInputError.field(
    'cursor',
    'is not a cursor this query returned: pass nextCursor unchanged with the same parameters',
  );
  let payload: CursorPayload;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as CursorPayload;
  } catch {
    throw invalid;
  }
  const valid =
    payload?.v === 1 &&
    typeof payload.t === 'string' &&
    /^-?\d{1,20}$/.test(payload.t) &&
    Array.isArray(payload.w) &&
    payload.w.length === 2 &&
    payload.w.every((n) => Number.isSafeInteger(n)) &&
    (payload.s === undefined || typeof payload.s === 'string');
  if (!valid) throw invalid;
  if (payload.f !== queryFingerprint) {
    throw InvalidInputError.field(
      'cursor',
      'belongs to a different query (symbol, timeframe, sort, filters or range changed)',
    );
  }
  return {
    afterMicros: payload.t,
    symbol: payload.s,
    startMs: payload.w[0],
    endExclusiveMs: payload.w[1],
  };
}
