'use strict';
/** One CSV export of 1,000,000 bars from a server, with the server's peak RSS while it ran. */
const http = require('node:http');

async function csvExport(server, symbol, rssMb) {
  const url = `${server.url}/api/v1/historical/${encodeURIComponent(symbol)}?timeframe=1m&start=2023-01-01&end=2025-12-31&format=csv`;
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(server.pid) ?? 0);
  }, 50);
  const started = Date.now();
  try {
    const { bytes, lines } = await new Promise((resolve, reject) => {
      http
        .get(url, (res) => {
          let bytes = 0;
          let lines = 0;
          res.on('data', (chunk) => {
            bytes += chunk.length;
            for (let i = 0; i < chunk.length; i++) if (chunk[i] === 10) lines++;
          });
          res.on('end', () => resolve({ bytes, lines }));
          res.on('error', reject);
        })
        .on('error', reject);
    });
    return {
      bars: lines - 1,
      megabytes: Math.round(bytes / 1e5) / 10,
      seconds: (Date.now() - started) / 1000,
      peakRssMb: Math.max(peak, rssMb(server.pid, 'VmHWM') ?? 0),
    };
  } finally {
    clearInterval(sampler);
  }
}

module.exports = { csvExport };
