import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import type { ApiScope } from '../common/request-context';

/** A key row without its hash: what every read path except authentication sees. */
export interface ApiKeyRow {
  id: string;
  name: string;
  preview: string;
  scopes: ApiScope[];
  active: boolean;
  expires_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
  updated_at: Date;
  revoked_at: Date | null;
}

export interface ApiKeyCredentialRow {
  id: string;
  name: string;
  key_hash: Buffer;
  scopes: ApiScope[];
  active: boolean;
  expires_at: Date | null;
}

export interface ApiKeyChanges {
  name?: string;
  scopes?: ApiScope[];
  active?: boolean;
  expiresAt?: Date | null;
}

const PUBLIC_COLUMNS = `id, name, preview, scopes, active, expires_at, last_used_at, created_at,
  updated_at, revoked_at`;

/** All SQL on api_keys. The hash column is read only by the authentication lookup. */
@Injectable()
export class ApiKeysRepository {
  constructor(private readonly dataSource: DataSource) {}

  async insertKey(key: {
    name: string;
    keyHash: Buffer;
    preview: string;
    scopes: ApiScope[];
    expiresAt: Date | null;
    createdBy: string | null;
  }): Promise<ApiKeyRow> {
    const rows: ApiKeyRow[] = await this.dataSource.query(
      `INSERT INTO api_keys (name, key_hash, preview, scopes, expires_at, created_by)
       VALUES ($1, $2, $3, $4::text[], $5, $6)
       RETURNING ${PUBLIC_COLUMNS}`,
      [key.name, key.keyHash, key.preview, key.scopes, key.expiresAt, key.createdBy],
    );
    return rows[0];
  }

  /** The authentication lookup: one probe of the unique index on key_hash. */
  async findCredentialByHash(keyHash: Buffer): Promise<ApiKeyCredentialRow | undefined> {
    const rows: ApiKeyCredentialRow[] = await this.dataSource.query(
      `SELECT id, name, key_hash, scopes, active, expires_at FROM api_keys WHERE key_hash = $1`,
      [keyHash],
    );
    return rows[0];
  }

  async findKeyById(id: string): Promise<ApiKeyRow | undefined> {
    const rows: ApiKeyRow[] = await this.dataSource.query(
      `SELECT ${PUBLIC_COLUMNS} FROM api_keys WHERE id = $1`,
      [id],
    );
    return rows[0];
  }

  async listKeys(): Promise<ApiKeyRow[]> {
    return this.dataSource.query(`SELECT ${PUBLIC_COLUMNS} FROM api_keys ORDER BY created_at, id`);
  }

  async updateKey(id: string, changes: ApiKeyChanges): Promise<ApiKeyRow | undefined> {
    const rows = updatedRows<ApiKeyRow>(
      await this.dataSource.query(
        `UPDATE api_keys SET
         name = CASE WHEN $2::boolean THEN $3 ELSE name END,
         scopes = CASE WHEN $4::boolean THEN $5::text[] ELSE scopes END,
         active = CASE WHEN $6::boolean THEN $7::boolean ELSE active END,
         expires_at = CASE WHEN $8::boolean THEN $9::timestamptz ELSE expires_at END,
         updated_at = now()
       WHERE id = $1
       RETURNING ${PUBLIC_COLUMNS}`,
        [
          id,
          changes.name !== undefined,
          changes.name ?? null,
          changes.scopes !== undefined,
          changes.scopes ?? null,
          changes.active !== undefined,
          changes.active ?? null,
          changes.expiresAt !== undefined,
          changes.expiresAt ?? null,
        ],
      ),
    );
    return rows[0];
  }

  /** Swaps the hash: the old secret stops matching the moment this commits. */
  async replaceSecret(
    id: string,
    keyHash: Buffer,
    preview: string,
  ): Promise<ApiKeyRow | undefined> {
    const rows = updatedRows<ApiKeyRow>(
      await this.dataSource.query(
        `UPDATE api_keys SET key_hash = $2, preview = $3, updated_at = now()
       WHERE id = $1 RETURNING ${PUBLIC_COLUMNS}`,
        [id, keyHash, preview],
      ),
    );
    return rows[0];
  }

  /** Marks a key revoked; returns undefined when no such key exists. */
  async revokeKey(id: string, revokedBy: string | null): Promise<ApiKeyRow | undefined> {
    const rows = updatedRows<ApiKeyRow>(
      await this.dataSource.query(
        `UPDATE api_keys SET active = false, revoked_at = COALESCE(revoked_at, now()),
         revoked_by = COALESCE(revoked_by, $2), updated_at = now()
       WHERE id = $1 RETURNING ${PUBLIC_COLUMNS}`,
        [id, revokedBy],
      ),
    );
    return rows[0];
  }

  /** One statement for every key used since the last flush; never moves last_used_at back. */
  async recordLastUse(uses: { id: string; at: Date }[]): Promise<void> {
    if (uses.length === 0) return;
    await this.dataSource.query(
      `UPDATE api_keys k SET last_used_at = GREATEST(k.last_used_at, u.at)
       FROM unnest($1::uuid[], $2::timestamptz[]) AS u(id, at)
       WHERE k.id = u.id`,
      [uses.map((u) => u.id), uses.map((u) => u.at)],
    );
  }
}

/** TypeORM answers an UPDATE on PostgreSQL with [rows, affectedCount], a SELECT with rows. */
function updatedRows<T>(result: unknown): T[] {
  return Array.isArray(result) && Array.isArray(result[0]) ? (result[0] as T[]) : (result as T[]);
}
