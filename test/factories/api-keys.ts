import { DataSource } from 'typeorm';

import { generateApiKey, hashApiKey, previewOf } from '../../src/api-keys/api-key-secret';
import type { ApiScope } from '../../src/common/request-context';

export interface CreatedTestKey {
  id: string;
  key: string;
  preview: string;
}

/**
 * Inserts a real API key (the production generator and hash) straight into the database, for
 * tests that need an admin or read key without going through the admin API.
 */
export async function createApiKey(
  dataSource: DataSource,
  options: { scopes?: ApiScope[]; name?: string; expiresAt?: Date | null; active?: boolean } = {},
): Promise<CreatedTestKey> {
  const key = generateApiKey();
  const rows: { id: string }[] = await dataSource.query(
    `INSERT INTO api_keys (name, key_hash, preview, scopes, expires_at, active)
     VALUES ($1, $2, $3, $4::text[], $5, $6) RETURNING id`,
    [
      options.name ?? 'test key',
      hashApiKey(key),
      previewOf(key),
      options.scopes ?? ['admin'],
      options.expiresAt ?? null,
      options.active ?? true,
    ],
  );
  return { id: rows[0].id, key, preview: previewOf(key) };
}
