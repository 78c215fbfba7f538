import { Injectable } from '@nestjs/common';
import { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import { DataSource } from 'typeorm';

const PROBE_TIMEOUT_MS = 2_000;

/** Terminus indicators for readiness: the database answers, and no migration is pending. */
@Injectable()
export class ReadinessIndicator {
  constructor(
    private readonly dataSource: DataSource,
    private readonly indicators: HealthIndicatorService,
  ) {}

  async database(key = 'database'): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    const started = performance.now();
    try {
      await withTimeout(this.dataSource.query('SELECT 1'), PROBE_TIMEOUT_MS);
      return indicator.up({ latencyMs: round(performance.now() - started) });
    } catch {
      return indicator.down({ message: 'the database does not answer' });
    }
  }

  async migrations(key = 'migrations'): Promise<HealthIndicatorResult> {
    const indicator = this.indicators.check(key);
    try {
      const pending = await withTimeout(this.dataSource.showMigrations(), PROBE_TIMEOUT_MS);
      return pending ? indicator.down({ message: 'migrations are pending' }) : indicator.up();
    } catch {
      return indicator.down({ message: 'migration state could not be read' });
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 100) / 100;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
