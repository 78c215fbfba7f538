'use strict';
/**
 * Reference server (b): node:http + pg with a prepared statement in which PostgreSQL builds the
 * JSON text (json_agg/json_build_object); Node only wraps and forwards it.
 * Usage: DATABASE_URL=… PORT=… node bench/reference-b.js
 */
const http = require('node:http');
const { URL } = require('node:url');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const TS = `to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const JSON_ROWS = (from) => `SELECT count(*)::int AS n, coalesce(json_agg(json_build_object(
    'timestamp', ${TS}, 'open', open, 'high', high, 'low', low, 'close', close,
    'volume', volume, 'vwap', vwap, 'trades', trades) ORDER BY ts), '[]')::text AS body FROM (${from}) r`;
const SQL_1M = JSON_ROWS(`SELECT ts, open, high, low, close, volume, vwap, trades FROM bars
  WHERE symbol = $1 AND timeframe = '1m' AND ts >= $2 AND ts <= $3 ORDER BY ts LIMIT $4`);
const SQL_5M =
  JSON_ROWS(`SELECT date_bin(INTERVAL '5 minutes', ts, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS ts,
    (array_agg(open ORDER BY ts))[1] AS open, max(high) AS high, min(low) AS low,
    (array_agg(close ORDER BY ts DESC))[1] AS close, sum(volume) AS volume,
    sum(vwap * volume) / nullif(sum(volume), 0) AS vwap, sum(trades) AS trades
  FROM bars WHERE symbol = $1 AND timeframe = '1m' AND ts >= $2 AND ts <= $3
  GROUP BY 1 ORDER BY 1 LIMIT $4`);

http
  .createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://x');
      const symbol = decodeURIComponent(url.pathname.split('/').pop());
      const q = url.searchParams;
      const tf = q.get('timeframe');
      const { rows } = await pool.query({
        name: `bars_json_${tf}`,
        text: tf === '5m' ? SQL_5M : SQL_1M,
        values: [symbol, q.get('start'), q.get('end'), Number(q.get('limit'))],
      });
      const body = `{"symbol":${JSON.stringify(symbol)},"timeframe":"${tf}","count":${rows[0].n},"bars":${rows[0].body},"nextCursor":null}`;
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(body),
      });
      res.end(body);
    } catch (error) {
      res.writeHead(500).end(String(error.message));
    }
  })
  .listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
