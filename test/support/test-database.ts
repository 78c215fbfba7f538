import { randomBytes } from 'node:crypto';

import { Client } from 'pg';

import { readTestState } from './test-state';

/** A fresh, empty database on the run's throwaway server; returns its URL. */
export async function createTestDatabase(prefix = 'test'): Promise<string> {
  const { adminUrl } = readTestState();
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export async function dropTestDatabase(url: string): Promise<void> {
  const { adminUrl } = readTestState();
  const name = new URL(url).pathname.slice(1);
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`);
  } finally {
    await client.end();
  }
}
