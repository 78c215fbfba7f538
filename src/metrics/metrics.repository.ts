import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';

import { ReadPool } from '../database/read-pool';
import { PoolCounts, timed } from './instruments';

export interface DataTotals {
  bars: number;
  openGaps: number;
  activeSymbols: number;
}

/** Below this many rows an exact count is cheap; above it the planner's estimate is used. */
const EXACT_COUNT_BELOW = 100_000;

/**
 * The SQL behind the data gauges. Run on every scrape, so it must stay cheap on a bars table of
 * hundreds of millions of rows: no count(*) over bars unless the table is small.
 */
@Injectable()
export class MetricsRepository {
  private timescale: boolean | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly reads: ReadPool,
  ) {}

  async readDataTotals(): Promise<DataTotals> {
    return timed('MetricsRepository.readDataTotals', async () => {
      const [row] = await this.dataSource.query<{ openGaps: number; activeSymbols: number }[]>(
        `SELECT (SELECT count(*) FROM data_gaps WHERE status = 'open')::int AS "openGaps",
                (SELECT count(*) FROM symbols WHERE active)::int AS "activeSymbols"`,
      );
      return { bars: await this.estimateBars(), ...row };
    });
  }

  /** The bar-read pool: opened, idle, and callers queued for one. */
  barReadPool(): PoolCounts {
    return this.reads.counts();
  }

  /** The pg Pool inside TypeORM's postgres driver: opened, idle, and callers queued for one. */
  readPool(): PoolCounts {
    const pool = (this.dataSource.driver as unknown as { master?: PgPoolCounters }).master;
    return {
      total: pool?.totalCount ?? 0,
      idle: pool?.idleCount ?? 0,
      waiting: pool?.waitingCount ?? 0,
    };
  }

  private async estimateBars(): Promise<number> {
    this.timescale ??= await this.isHypertable();
    // A hypertable's parent holds no rows; TimescaleDB sums its chunks' statistics instead.
    const [estimate] = await this.dataSource.query<{ n: number }[]>(
      this.timescale
        ? `SELECT approximate_row_count('bars')::float8 AS n`
        : `SELECT reltuples::float8 AS n FROM pg_class WHERE oid = 'bars'::regclass`,
    );
    if (estimate && estimate.n >= EXACT_COUNT_BELOW) return Math.round(estimate.n);
    // Small (or never analysed: reltuples is -1) tables are counted, but never past the limit,
    // so a freshly bulk-loaded table cannot turn a scrape into a full scan.
    const [bounded] = await this.dataSource.query<{ n: number }[]>(
      `SELECT count(*)::int AS n FROM (SELECT 1 FROM bars LIMIT $1) AS capped`,
      [EXACT_COUNT_BELOW],
    );
    return bounded.n;
  }

  private async isHypertable(): Promise<boolean> {
    const rows = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`,
    );
    if (rows.length === 0) return false;
    const hyper = await this.dataSource.query<unknown[]>(
      `SELECT 1 FROM timescaledb_information.hypertables WHERE hypertable_name = 'bars'`,
    );
    return hyper.length > 0;
  }
}

interface PgPoolCounters {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}
