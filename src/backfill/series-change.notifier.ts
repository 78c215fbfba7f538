import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';

import { BarsCache } from '../bars/bars-cache';

/**
 * Tells this process's read cache that a series changed, right after the writer commits (other
 * processes hear the `bars_changed` NOTIFY sent inside the transaction).
 *
 * The cache is looked up lazily and non-strictly instead of injected: BarsModule must not become
 * part of BackfillModule's import graph, and an application without it has no cache to tell.
 */
@Injectable()
export class SeriesChangeNotifier {
  private readonly logger = new Logger(SeriesChangeNotifier.name);
  private cache: BarsCache | null | undefined;

  constructor(private readonly moduleRef: ModuleRef) {}

  seriesChanged(symbol: string, timeframe: string): void {
    const cache = this.resolveCache();
    if (!cache) return;
    try {
      cache.invalidateSeries(symbol, timeframe);
    } catch (error) {
      this.logger.error(
        `read cache invalidation failed for ${symbol}:${timeframe}: ${String(error)}`,
      );
    }
  }

  private resolveCache(): BarsCache | null {
    if (this.cache === undefined) {
      try {
        this.cache = this.moduleRef.get(BarsCache, { strict: false });
      } catch {
        this.cache = null;
      }
    }
    return this.cache ?? null;
  }
}
