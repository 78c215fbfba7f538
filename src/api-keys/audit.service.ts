import { Injectable } from '@nestjs/common';

import { InvalidInputError } from '../common/domain-error';
import type { WarehouseRequest } from '../common/request-context';
import { instantOf } from '../common/time-params';
import { AuditFilter, AuditRepository, AuditRow } from './audit.repository';

export type AuditAction =
  | 'key.created'
  | 'key.updated'
  | 'key.rotated'
  | 'key.revoked'
  | 'auth.failed'
  | 'auth.forbidden'
  | 'symbol.created'
  | 'symbol.updated'
  | 'symbol.deactivated'
  | 'backfill.triggered'
  // Other modules may record their own actions; the column is free text.
  | (string & NonNullable<unknown>);

export interface AuditRecord {
  action: AuditAction;
  /** The key the entry is about (target). */
  apiKeyId?: string | null;
  /** The key that did it; defaults to the request's authenticated key. */
  actorKeyId?: string | null;
  details?: Record<string, unknown>;
  /** Supplies ip (the client behind the trusted proxies), user agent and request id. */
  request?: WarehouseRequest;
}

export interface AuditEntry {
  id: string;
  action: string;
  apiKeyId: string | null;
  actorKeyId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
  createdAt: string;
}

/** Names that could carry a secret: dropped from details at any depth, whatever the caller passes. */
const SECRET_NAMES = new Set([
  'key',
  'keyhash',
  'key_hash',
  'hash',
  'secret',
  'apikey',
  'api_key',
  'token',
  'password',
]);
const MAX_USER_AGENT = 512;
const DEFAULT_PAGE_SIZE = 50;

/** Writes and reads the append-only audit trail. */
@Injectable()
export class AuditService {
  constructor(private readonly repository: AuditRepository) {}

  async record(record: AuditRecord): Promise<void> {
    const request = record.request;
    const userAgent = request?.headers['user-agent'];
    await this.repository.insertEntry({
      action: record.action,
      apiKeyId: record.apiKeyId ?? null,
      actorKeyId:
        record.actorKeyId !== undefined ? record.actorKeyId : (request?.apiKey?.id ?? null),
      ip: request?.ip ?? null,
      userAgent: typeof userAgent === 'string' ? userAgent.slice(0, MAX_USER_AGENT) : null,
      requestId: request ? String(request.id) : null,
      details: stripSecrets(record.details ?? {}) as Record<string, unknown>,
    });
  }

  /** One page of entries (newest first) from query parameters; `apiKeyId` narrows to one key. */
  async page(
    query: { limit?: number; cursor?: string; action?: string; since?: string; until?: string },
    apiKeyId?: string,
  ): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
    const since = query.since ? instantOf(query.since, 'since') : undefined;
    const until = query.until ? instantOf(query.until, 'until', 'end') : undefined;
    if (since && until && since > until) {
      throw InvalidInputError.field('since', 'must not be after until');
    }
    return this.list({
      apiKeyId,
      action: query.action,
      since,
      until,
      beforeId: query.cursor,
      limit: query.limit ?? DEFAULT_PAGE_SIZE,
    });
  }

  async list(filter: AuditFilter): Promise<{ entries: AuditEntry[]; nextCursor: string | null }> {
    // One extra row tells whether another page exists without a count query.
    const rows = await this.repository.findEntries({ ...filter, limit: filter.limit + 1 });
    const page = rows.slice(0, filter.limit);
    const nextCursor = rows.length > filter.limit ? page[page.length - 1].id : null;
    return { entries: page.map(toEntry), nextCursor };
  }
}

export function stripSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripSecrets);
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  const result: Record<string, unknown> = {};
  for (const [name, inner] of Object.entries(value)) {
    if (SECRET_NAMES.has(name.toLowerCase())) continue;
    result[name] = stripSecrets(inner);
  }
  return result;
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    action: row.action,
    apiKeyId: row.api_key_id,
    actorKeyId: row.actor_key_id,
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    details: row.details,
    createdAt: row.created_at.toISOString(),
  };
}
