import type { Readable } from 'node:stream';

import type { PoolClient } from 'pg';
import { to as copyTo } from 'pg-copy-streams';

import type { ReadPool } from '../../database/read-pool';
import type { BuiltSql } from '../query/sql/params';

/**
 * Runs a `COPY ... TO STDOUT` in a read-only transaction on a connection of its own, with the
 * values bound as settings (see query/sql/params.ts), and returns its stream. The connection is
 * checked out for the stream's life and returned when it ends; when the stream fails or is
 * closed early (client gone) the connection is destroyed instead: a half-read COPY leaves it
 * unusable.
 */
export async function copyOut(reads: ReadPool, { sql, params }: BuiltSql): Promise<Readable> {
  const client: PoolClient = await reads.connect();
  let released = false;
  const release = (error?: Error): void => {
    if (released) return;
    released = true;
    if (error) {
      client.release(error);
      return;
    }
    client.query('COMMIT').then(
      () => client.release(),
      (commitError: Error) => client.release(commitError),
    );
  };
  try {
    await client.query('BEGIN READ ONLY');
    // The COPY moves as fast as the client reads, so it is exempt from the statement timeout
    // (set with the parameters: no extra round trip).
    const sets = [`set_config('statement_timeout', '0', true)`].concat(
      params.map((_, i) => `set_config('mdw_query.p${i + 1}', $${i + 1}, true)`),
    );
    await client.query(`SELECT ${sets.join(', ')}`, params);
    const stream = client.query(copyTo(sql));
    let ended = false;
    stream.on('end', () => {
      ended = true;
      release();
    });
    stream.on('error', (error: Error) => release(error));
    stream.on('close', () => {
      if (!ended) release(new Error('COPY stream closed before the end'));
    });
    return stream;
  } catch (error) {
    release(error as Error);
    throw error;
  }
}
