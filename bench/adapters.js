'use strict';
/**
 * Fastify vs Express under NestJS: the same minimal application (one controller answering a
 * 1-bar-sized JSON body, a global ValidationPipe over a query DTO, like the bar route) on each
 * adapter, measured with autocannon at 1 and 32 connections. This isolates the per-request cost
 * of the HTTP framework that every small request pays.
 *
 * Usage: node bench/adapters.js   (BENCH_DURATION seconds per run, default 5)
 */
require('reflect-metadata');
const { Controller, Get, Module, Query, ValidationPipe } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { FastifyAdapter } = require('@nestjs/platform-fastify');
const { ExpressAdapter } = require('@nestjs/platform-express');
const { IsIn, IsOptional, IsString } = require('class-validator');
const autocannon = require('autocannon');

const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const BODY = {
  symbol: 'AAPL',
  timeframe: '1m',
  start: '2024-01-02T14:30:00.000Z',
  end: '2024-01-02T14:30:00.000Z',
  count: 1,
  bars: [
    {
      timestamp: '2024-01-02T14:30:00.000Z',
      open: 187.15,
      high: 188.44,
      low: 183.885,
      close: 185.64,
      volume: 82488674,
      vwap: 185.9465,
      trades: 1009074,
    },
  ],
  nextCursor: null,
};

class Query1 {}
IsOptional()(Query1.prototype, 'timeframe');
IsIn(['1m', '1d'])(Query1.prototype, 'timeframe');
IsOptional()(Query1.prototype, 'start');
IsString()(Query1.prototype, 'start');

class BarsController {
  one(_symbol, _query) {
    return BODY;
  }
}
Controller('api/v1/historical')(BarsController);
const descriptor = Object.getOwnPropertyDescriptor(BarsController.prototype, 'one');
Get(':symbol')(BarsController.prototype, 'one', descriptor);
Query()(BarsController.prototype, 'one', 1);
Reflect.defineMetadata('design:paramtypes', [String, Query1], BarsController.prototype, 'one');

class AppModule {}
Module({ controllers: [BarsController] })(AppModule);

async function start(kind) {
  const adapter = kind === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(AppModule, adapter, { logger: false });
  app.useGlobalPipes(
    new ValidationPipe({ transform: true, whitelist: true, forbidNonWhitelisted: true }),
  );
  await app.listen(0, '127.0.0.1');
  return { app, url: `http://127.0.0.1:${app.getHttpServer().address().port}` };
}

function run(url, connections) {
  return new Promise((resolve, reject) =>
    autocannon(
      {
        url: `${url}/api/v1/historical/AAPL?timeframe=1m&start=2024-01-02`,
        connections,
        duration: DURATION,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    ),
  );
}

(async () => {
  const rows = [];
  for (const kind of ['fastify', 'express']) {
    const { app, url } = await start(kind);
    await run(url, 8); // warm up
    for (const connections of [1, 32]) {
      const cpu0 = process.cpuUsage();
      const r = await run(url, connections);
      const cpu = process.cpuUsage(cpu0);
      rows.push({
        adapter: kind,
        connections,
        requestsPerSecond: Math.round(r.requests.average),
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        errors: r.errors + r.non2xx,
        // Server and autocannon share this process: CPU per request covers both.
        processCpuMsPerRequest: +((cpu.user + cpu.system) / 1000 / r.requests.total).toFixed(3),
      });
    }
    await app.close();
  }
  console.table(rows);
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
