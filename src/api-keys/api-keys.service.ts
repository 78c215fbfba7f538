import { Injectable } from '@nestjs/common';

import { ConflictError, InvalidInputError, NotFoundError } from '../common/domain-error';
import type { ApiScope, AuthenticatedKey, WarehouseRequest } from '../common/request-context';
import { instantOf } from '../common/time-params';
import { isUuid } from '../common/uuid';
import {
  digestsEqual,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
  previewOf,
} from './api-key-secret';
import { ApiKeyChanges, ApiKeyRow, ApiKeysRepository } from './api-keys.repository';
import { AuditEntry, AuditService } from './audit.service';
import { LastUsedTracker } from './last-used.tracker';

export interface ApiKeyView {
  id: string;
  name: string;
  preview: string;
  scopes: ApiScope[];
  active: boolean;
  expiresAt: string | null;
  createdAt: string;
  updatedAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The one response that carries the secret: create and rotate, shown once. */
export type ApiKeyWithSecret = ApiKeyView & { key: string };

export interface CreateApiKeyInput {
  name: string;
  scopes: ApiScope[];
  expiresAt?: Date | null;
  /** The admin key that asked for it (null/undefined from the CLI). */
  actorKeyId?: string | null;
  request?: WarehouseRequest;
}

export type AuthenticationFailure = 'malformed' | 'unknown' | 'revoked' | 'inactive' | 'expired';

export type AuthenticationResult =
  | { ok: true; key: AuthenticatedKey }
  | { ok: false; reason: AuthenticationFailure; keyId?: string };

/**
 * Keys: minting, authentication, update, rotation, revocation, each mutation audited.
 *
 * No lookup cache: every keyed request does one probe of the unique index on key_hash. That is
 * what makes revocation, rotation, deactivation and expiry take effect on the very next request
 * in every process sharing the database, with nothing to invalidate; the probe costs well under a
 * millisecond on a warm index.
 */
@Injectable()
export class ApiKeysService {
  constructor(
    private readonly repository: ApiKeysRepository,
    private readonly audit: AuditService,
    private readonly lastUsed: LastUsedTracker,
  ) {}

  async create(input: CreateApiKeyInput): Promise<ApiKeyWithSecret> {
    const key = generateApiKey();
    const scopes = normaliseScopes(input.scopes);
    const row = await this.repository.insertKey({
      name: input.name,
      keyHash: hashApiKey(key),
      preview: previewOf(key),
      scopes,
      expiresAt: input.expiresAt ?? null,
      createdBy: input.actorKeyId ?? null,
    });
    await this.audit.record({
      action: 'key.created',
      apiKeyId: row.id,
      actorKeyId: input.actorKeyId ?? null,
      details: {
        name: row.name,
        scopes,
        expiresAt: row.expires_at?.toISOString() ?? null,
        via: via(input.request),
      },
      request: input.request,
    });
    return { ...this.view(row), key };
  }

  /** POST /admin/api-keys: the body as validated by the DTO, the caller's key as the actor. */
  createFromRequest(
    body: { name: string; scopes: ApiScope[]; expiresAt?: string },
    request: WarehouseRequest,
  ): Promise<ApiKeyWithSecret> {
    return this.create({
      name: body.name,
      scopes: body.scopes,
      expiresAt: body.expiresAt ? futureInstant(body.expiresAt, new Date()) : null,
      actorKeyId: request.apiKey?.id ?? null,
      request,
    });
  }

  /** PUT /admin/api-keys/{id}: at least one field; `expiresAt: null` removes the expiry. */
  updateFromRequest(
    id: string,
    body: { name?: string; scopes?: ApiScope[]; active?: boolean; expiresAt?: string | null },
    request: WarehouseRequest,
  ): Promise<ApiKeyView> {
    const changes: ApiKeyChanges = {
      name: body.name,
      scopes: body.scopes,
      active: body.active,
      expiresAt:
        body.expiresAt === undefined
          ? undefined
          : body.expiresAt === null
            ? null
            : futureInstant(body.expiresAt, new Date()),
    };
    if (Object.values(changes).every((value) => value === undefined)) {
      throw new InvalidInputError([
        { field: 'body', message: 'give at least one of name, scopes, active, expiresAt' },
      ]);
    }
    return this.update(id, changes, { request });
  }

  /** Audit entries about one key (404 for an unknown key), newest first. */
  async auditOf(
    id: string,
    query: { limit?: number; cursor?: string },
  ): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
    const key = await this.existing(id);
    return this.audit.page(query, key.id);
  }

  async list(): Promise<ApiKeyView[]> {
    return (await this.repository.listKeys()).map((row) => this.view(row));
  }

  async get(id: string): Promise<ApiKeyView> {
    return this.view(await this.existing(id));
  }

  async update(
    id: string,
    changes: ApiKeyChanges,
    context: { actorKeyId?: string | null; request?: WarehouseRequest } = {},
  ): Promise<ApiKeyView> {
    const before = await this.existing(id);
    if (changes.active === true && before.revoked_at) {
      throw new ConflictError(
        'This key was revoked; a revoked key cannot be re-activated. Create a new key.',
      );
    }
    const normalised = changes.scopes
      ? { ...changes, scopes: normaliseScopes(changes.scopes) }
      : changes;
    const row = (await this.repository.updateKey(id, normalised)) ?? before;
    await this.audit.record({
      action: 'key.updated',
      apiKeyId: id,
      actorKeyId: context.actorKeyId ?? context.request?.apiKey?.id ?? null,
      details: { changed: describeChanges(before, normalised), via: via(context.request) },
      request: context.request,
    });
    return this.view(row);
  }

  async rotate(
    id: string,
    context: { actorKeyId?: string | null; request?: WarehouseRequest } = {},
  ): Promise<ApiKeyWithSecret> {
    const before = await this.existing(id);
    if (before.revoked_at) throw new ConflictError('This key was revoked; it cannot be rotated.');
    const key = generateApiKey();
    const row = await this.repository.replaceSecret(id, hashApiKey(key), previewOf(key));
    if (!row) throw new NotFoundError(`There is no API key with id ${id}.`);
    await this.audit.record({
      action: 'key.rotated',
      apiKeyId: id,
      actorKeyId: context.actorKeyId ?? context.request?.apiKey?.id ?? null,
      details: { previousPreview: before.preview, preview: row.preview, via: via(context.request) },
      request: context.request,
    });
    return { ...this.view(row), key };
  }

  async revoke(
    id: string,
    context: { actorKeyId?: string | null; request?: WarehouseRequest } = {},
  ): Promise<ApiKeyView> {
    const before = await this.existing(id);
    const actor =
      context.actorKeyId !== undefined ? context.actorKeyId : (context.request?.apiKey?.id ?? null);
    const row = (await this.repository.revokeKey(id, actor)) ?? before;
    await this.audit.record({
      action: 'key.revoked',
      apiKeyId: id,
      actorKeyId: actor,
      details: {
        name: row.name,
        alreadyRevoked: before.revoked_at !== null,
        via: via(context.request),
      },
      request: context.request,
    });
    return this.view(row);
  }

  /** Checks a presented key. Never logs or returns the key; failures say why only to the caller. */
  async authenticate(presented: string, now = new Date()): Promise<AuthenticationResult> {
    if (!isWellFormedApiKey(presented)) return { ok: false, reason: 'malformed' };
    const digest = hashApiKey(presented);
    const row = await this.repository.findCredentialByHash(digest);
    // The index lookup already matched on the digest; the constant-time compare is the
    // belt-and-braces check that no lookup quirk (collation, truncation) let a different key in.
    if (!row || !digestsEqual(row.key_hash, digest)) return { ok: false, reason: 'unknown' };
    if (!row.active) return { ok: false, reason: 'inactive', keyId: row.id };
    if (row.expires_at && row.expires_at.getTime() <= now.getTime()) {
      return { ok: false, reason: 'expired', keyId: row.id };
    }
    this.lastUsed.noteUse(row.id, now);
    return { ok: true, key: { id: row.id, name: row.name, scopes: row.scopes } };
  }

  private async existing(id: string): Promise<ApiKeyRow> {
    const row = isUuid(id) ? await this.repository.findKeyById(id) : undefined;
    if (!row) throw new NotFoundError(`There is no API key with id ${id}.`);
    return row;
  }

  private view(row: ApiKeyRow): ApiKeyView {
    const pending = this.lastUsed.pendingUse(row.id);
    const lastUsed =
      pending && (!row.last_used_at || pending > row.last_used_at) ? pending : row.last_used_at;
    return {
      id: row.id,
      name: row.name,
      preview: row.preview,
      scopes: row.scopes,
      active: row.active && !row.revoked_at,
      expiresAt: iso(row.expires_at),
      createdAt: row.created_at.toISOString(),
      updatedAt: row.updated_at.toISOString(),
      lastUsedAt: iso(lastUsed),
      revokedAt: iso(row.revoked_at),
    };
  }
}

const SCOPE_ORDER: ApiScope[] = ['read', 'admin'];

function normaliseScopes(scopes: ApiScope[]): ApiScope[] {
  return SCOPE_ORDER.filter((scope) => scopes.includes(scope));
}

/** An expiry as given (a date means the start of that UTC day); 400 unless in the future. */
export function futureInstant(value: string, now: Date, field = 'expiresAt'): Date {
  const at = instantOf(value, field);
  if (at.getTime() <= now.getTime()) throw InvalidInputError.field(field, 'must be in the future');
  return at;
}

function iso(value: Date | null): string | null {
  return value ? value.toISOString() : null;
}

function via(request: WarehouseRequest | undefined): 'api' | 'cli' {
  return request ? 'api' : 'cli';
}

function describeChanges(before: ApiKeyRow, changes: ApiKeyChanges): Record<string, unknown> {
  const changed: Record<string, unknown> = {};
  if (changes.name !== undefined && changes.name !== before.name) {
    changed.name = { from: before.name, to: changes.name };
  }
  if (changes.scopes !== undefined) changed.scopes = { from: before.scopes, to: changes.scopes };
  if (changes.active !== undefined) changed.active = { from: before.active, to: changes.active };
  if (changes.expiresAt !== undefined) {
    changed.expiresAt = { from: iso(before.expires_at), to: iso(changes.expiresAt) };
  }
  return changed;
}
