import * as fs from 'node:fs';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

import type { ClientBase } from 'pg';
import { to as copyTo } from 'pg-copy-streams';

const SNAPSHOTS = path.resolve(__dirname, '../sql-snapshots');

export interface SnapshotStatement {
  file: string;
  label: string;
  sql: string;
  params: string[];
}

/**
 * Every statement of the committed read-path snapshots (test/sql-snapshots/*.sql), each with the
 * parameters of the first shape that produces it: `-- label: [params]` lines, then the statement.
 */
export function snapshotStatements(): SnapshotStatement[] {
  const statements: SnapshotStatement[] = [];
  for (const file of fs
    .readdirSync(SNAPSHOTS)
    .filter((name) => name.endsWith('.sql'))
    .sort()) {
    let head: { label: string; params: string[] } | undefined;
    let sql: string[] = [];
    const flush = (): void => {
      if (head && sql.length > 0) {
        statements.push({ file, ...head, sql: sql.join('\n').trim().replace(/;$/, '') });
        head = undefined;
      }
      sql = [];
    };
    for (const line of fs.readFileSync(path.join(SNAPSHOTS, file), 'utf8').split('\n')) {
      const shape = /^-- (.*): (\[.*\])$/.exec(line);
      if (shape) {
        if (sql.length > 0) flush();
        head ??= { label: shape[1], params: JSON.parse(shape[2]) as string[] };
      } else if (head && !line.startsWith('-- ')) {
        sql.push(line);
      }
    }
    flush();
  }
  return statements;
}

/**
 * Runs one statement the way the read path does: bound parameters for a query; for a COPY (which
 * takes none) the values set with `set_config('mdw_query.pN', …)` in the same transaction. Returns
 * the rows, or the COPY's bytes.
 */
export async function runStatement(
  client: ClientBase,
  statement: SnapshotStatement,
): Promise<unknown> {
  if (!statement.sql.startsWith('COPY')) {
    return (await client.query(statement.sql, statement.params)).rows;
  }
  await client.query('BEGIN');
  try {
    if (statement.params.length > 0) {
      const sets = statement.params.map(
        (_, i) => `set_config('mdw_query.p${i + 1}', $${i + 1}, true)`,
      );
      await client.query(`SELECT ${sets.join(', ')}`, statement.params);
    }
    const chunks: Buffer[] = [];
    await pipeline(
      client.query(copyTo(statement.sql)),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          done();
        },
      }),
    );
    return Buffer.concat(chunks);
  } finally {
    await client.query('COMMIT');
  }
}
