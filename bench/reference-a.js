'use strict';
/**
 * Reference server (a): node:http + pg with a prepared (named) statement, rows turned into
 * objects and serialised with JSON.stringify — the "obvious fast" hand-written server.
 * Usage: DATABASE_URL=… PORT=… node bench/reference-a.js
 */
const http = require('node:http');
const { URL } = require('node:url');
const { Pool, types } = require('pg');

types.setTypeParser(20, (v) => Number(v)); // bigint trades as numbers, as our API returns them

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 10 });
const SQL_1M = `SELECT ts, open, high, low, close, volume, vwap, trades FROM bars
  WHERE symbol = $1 AND timeframe = '1m' AND ts >= $2 AND ts <= $3 ORDER BY ts LIMIT $4`;
const SQL_5M = `SELECT date_bin(INTERVAL '5 minutes', ts, TIMESTAMPTZ '1970-01-01 00:00:00+00') AS ts,
    (array_agg(open ORDER BY ts))[1] AS open, max(high) AS high, min(low) AS low,
    (array_agg(close ORDER BY ts DESC))[1] AS close, sum(volume) AS volume,
    sum(vwap * volume) / nullif(sum(volume), 0) AS vwap, sum(trades)::bigint AS trades
  FROM bars WHERE symbol = $1 AND timeframe = '1m' AND ts >= $2 AND ts <= $3
  GROUP BY 1 ORDER BY 1 LIMIT $4`;

http
  .createServer(async (req, res) => {
    try {
      const url = new URL(req.url, 'http://x');
      const symbol = decodeURIComponent(url.pathname.split('/').pop());
      const q = url.searchParams;
      const tf = q.get('timeframe');
      const { rows } = await pool.query({
        name: `bars_${tf}`,
        text: tf === '5m' ? SQL_5M : SQL_1M,
        values: [symbol, q.get('start'), q.get('end'), Number(q.get('limit'))],
      });
      const bars = rows.map((r) => ({
        timestamp: r.ts.toISOString(),
        open: r.open,
        high: r.high,
        low: r.low,
        close: r.close,
        volume: r.volume,
        vwap: r.vwap,
        trades: r.trades,
      }));
      const body = JSON.stringify({
        symbol,
        timeframe: tf,
        count: bars.length,
        bars,
        nextCursor: null,
      });
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
