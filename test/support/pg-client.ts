import { Client } from 'pg';

import { generateApiKey, hashApiKey, previewOf } from '../../src/api-keys/api-key-secret';

/** Runs `work` on a plain pg client of `url` (tests that drive a spawned server). */
export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A real API key (production generator and hash) inserted straight into the database. */
export async function insertKey(
  client: Client,
  scopes: string[],
  name = 'reliability',
): Promise<string> {
  const key = generateApiKey();
  await client.query(
    `INSERT INTO api_keys (name, key_hash, preview, scopes) VALUES ($1, $2, $3, $4::text[])`,
    [name, hashApiKey(key), previewOf(key), scopes],
  );
  return key;
}
