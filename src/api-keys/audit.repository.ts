import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

export interface AuditRow {
  id: string;
  action: string;
  api_key_id: string | null;
  actor_key_id: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  details: Record<string, unknown>;
  created_at: Date;
}

export interface NewAuditEntry {
  action: string;
  apiKeyId: string | null;
  actorKeyId: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  details: Record<string, unknown>;
}

export interface AuditFilter {
  apiKeyId?: string;
  action?: string;
  since?: Date;
  until?: Date;
  /** Keyset pagination: only entries with an id below this one (newest first). */
  beforeId?: string;
  limit: number;
}

const COLUMNS = `id::text AS id, action, api_key_id, actor_key_id, ip, user_agent, request_id,
  details, created_at`;

/** SQL for the append-only audit table (the database refuses UPDATE, DELETE and TRUNCATE). */
@Injectable()
export class AuditRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertEntry(entry: NewAuditEntry): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO api_key_audit (action, api_key_id, actor_key_id, ip, user_agent, request_id, details)
       VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb)`,
      [
        entry.action,
        entry.apiKeyId,
        entry.actorKeyId,
        entry.ip,
        entry.userAgent,
        entry.requestId,
        JSON.stringify(entry.details),
      ],
    );
  }

  /** Newest first; ids are monotonic, so `id < beforeId` is a stable keyset cursor. */
  async findEntries(filter: AuditFilter): Promise<AuditRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown): void => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (filter.apiKeyId) add('api_key_id = ?', filter.apiKeyId);
    if (filter.action) add('action = ?', filter.action);
    if (filter.since) add('created_at >= ?', filter.since);
    if (filter.until) add('created_at <= ?', filter.until);
    if (filter.beforeId) add('id < ?::bigint', filter.beforeId);
    params.push(filter.limit);
    return this.dataSource.query(
      `SELECT ${COLUMNS} FROM api_key_audit
       ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
  }
}
