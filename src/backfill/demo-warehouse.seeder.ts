import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { Clock } from '../common/clock';
import { AppConfig } from '../config/app-config';
import { ADVISORY_LOCKS, withAdvisoryLock } from '../database/advisory-locks';
import { acquireRawConnection } from '../database/raw-pg-client';
import { BackfillRunner } from './backfill-runner.service';
import { BackfillSeriesRepository, NewTrackedSymbol } from './backfill-series.repository';

const DAY_MS = 86_400_000;
const DAILY_DAYS = 365;
const MINUTE_DAYS = 5;

const stock = (symbol: string, name: string): NewTrackedSymbol => ({
  symbol,
  name,
  assetClass: 'stocks',
  exchange: 'XNYS',
  currency: 'USD',
  timeZone: 'America/New_York',
  timeframes: ['1d', '1m'],
  source: 'synthetic',
});

export const DEMO_SYMBOLS: readonly NewTrackedSymbol[] = [
  stock('AAPL', 'Apple Inc. (synthetic)'),
  stock('MSFT', 'Microsoft Corp. (synthetic)'),
  stock('NVDA', 'NVIDIA Corp. (synthetic)'),
  stock('SPY', 'SPDR S&P 500 ETF (synthetic)'),
  {
    symbol: 'X:BTCUSD',
    name: 'Bitcoin / US dollar (synthetic)',
    assetClass: 'crypto',
    exchange: null,
    currency: 'USD',
    timeZone: 'UTC',
    timeframes: ['1d', '1m'],
    source: 'synthetic',
  },
];

/**
 * A fresh `npm start` without POLYGON_API_KEY shows a working warehouse: when no symbol is
 * tracked yet, it tracks a handful of demo symbols (labelled synthetic) and fills a year of
 * daily and a few days of minute bars through the normal runner (trigger `demo`). This runs in
 * the background, so the server listens and answers /ready meanwhile.
 */
@Injectable()
export class DemoWarehouseSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger(DemoWarehouseSeeder.name);

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly series: BackfillSeriesRepository,
    private readonly runner: BackfillRunner,
    private readonly clock: Clock,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.demoSeed || this.config.polygon.apiKey) return;
    setImmediate(() => {
      this.seed().catch((error: unknown) =>
        this.logger.error(`demo warehouse seeding failed: ${String(error)}`),
      );
    });
  }

  /** Returns false when nothing was done (symbols exist, or another process is seeding). */
  async seed(): Promise<boolean> {
    // Several replicas may start on one empty database at once: one of them seeds.
    const connection = await acquireRawConnection(this.dataSource);
    try {
      const result = await withAdvisoryLock(
        connection.client,
        ADVISORY_LOCKS.demoSeed,
        { wait: false },
        () => this.seedLocked(),
      );
      return result.acquired && result.value;
    } finally {
      await connection.release();
    }
  }

  private async seedLocked(): Promise<boolean> {
    if ((await this.series.countSymbols()) > 0) return false;
    await this.series.insertSymbolsIfAbsent([...DEMO_SYMBOLS]);
    const symbols = DEMO_SYMBOLS.map((s) => s.symbol);
    const now = this.clock.now();
    this.logger.log(`demo warehouse: tracking ${symbols.join(', ')} with synthetic data`);
    const daily = await this.runner.start(
      { symbols, timeframes: ['1d'], from: new Date(now.getTime() - DAILY_DAYS * DAY_MS) },
      { trigger: 'demo' },
    );
    await daily?.done;
    const minute = await this.runner.start(
      { symbols, timeframes: ['1m'], from: new Date(now.getTime() - MINUTE_DAYS * DAY_MS) },
      { trigger: 'demo' },
    );
    await minute?.done;
    return true;
  }
}
