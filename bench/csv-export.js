'use strict';
/**
 * One export of 1,000,000 bars from a server (CSV, or an Arrow IPC stream), with the server's
 * peak RSS while it ran.
 */
const http = require('node:http');
const { Transform } = require('node:stream');

const { RecordBatchReader } = require('apache-arrow');

/** Bars in a body: CSV lines after the header, or the rows of the Arrow stream's batches. */
async function countBars(body, format) {
  if (format === 'arrow') {
    let bars = 0;
    for await (const batch of await RecordBatchReader.from(body)) bars += batch.numRows;
    return bars;
  }
  let lines = 0;
  for await (const chunk of body)
    for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
  return lines - 1;
}

async function csvExport(server, symbol, rssMb, format = 'csv') {
  const url = `${server.url}/api/v1/historical/${encodeURIComponent(symbol)}?timeframe=1m&start=2023-01-01&end=2025-12-31&format=${format}`;
  const idleRssMb = rssMb(server.pid);
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(server.pid) ?? 0);
  }, 50);
  const started = Date.now();
  try {
    const res = await new Promise((resolve, reject) => http.get(url, resolve).on('error', reject));
    // Bytes counted on the way through: a 'data' listener would take them from the reader.
    let bytes = 0;
    const counted = res.pipe(
      new Transform({
        transform(chunk, _encoding, done) {
          bytes += chunk.length;
          done(null, chunk);
        },
      }),
    );
    const bars = await countBars(counted, format);
    return {
      bars,
      idleRssMb,
      megabytes: Math.round(bytes / 1e5) / 10,
      seconds: (Date.now() - started) / 1000,
      peakRssMb: Math.max(peak, rssMb(server.pid, 'VmHWM') ?? 0),
    };
  } finally {
    clearInterval(sampler);
  }
}

module.exports = { csvExport };
