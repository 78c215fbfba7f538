import { hash } from 'node:crypto';

import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import { AppConfig } from '../config/app-config';
import { cacheRequests } from '../metrics/instruments';

export interface CachedResponse {
  /** The JSON body, encoded (see jsonBody). */
  body: Buffer;
  etag: string;
}

/**
 * A response larger than this share of the cache is not kept: one 10,000-bar page would
 * otherwise evict dozens of the small and medium pages that dashboards and charts re-read, and
 * large exports are rarely asked for twice.
 */
const MAX_ENTRY_SHARE = 1 / 32;

/**
 * The in-process read cache for bar responses, with per-series invalidation.
 *
 * Invalidation does not hunt for keys: every series has a generation number, callers put the
 * generations of the series a response depends on into its key, and invalidating a series bumps
 * its generation, so older entries become unreachable and age out of the LRU. A reader takes the
 * generation *before* querying; if a write lands while the query runs, its result is stored under
 * the old generation and never served.
 *
 * Writes in this process call `invalidateSeries` right after commit. Writes by other processes
 * arrive as `bars_changed` notifications (BarsChangeListener). While that listener is not
 * connected the cache is switched off (nothing read, nothing stored), and when it reconnects
 * everything is dropped, because notifications may have been missed in between.
 */
@Injectable()
export class BarsCache {
  private readonly lru: LRUCache<string, CachedResponse> | undefined;
  private readonly generations = new Map<string, number>();
  private readonly listeners: ((series: string | undefined) => void)[] = [];
  private epoch = 0;
  private available = false;

  readonly ttlSeconds: number;

  constructor(config: AppConfig) {
    this.ttlSeconds = config.cacheTtlSeconds;
    const ttl = config.cacheTtlSeconds * 1000;
    this.lru =
      ttl > 0
        ? new LRUCache<string, CachedResponse>({
            // CACHE_MAX_MB bounds the bodies (Buffers, counted exactly) plus keys and overhead.
            maxSize: config.cacheMaxMb * 1024 * 1024,
            maxEntrySize: Math.floor(config.cacheMaxMb * 1024 * 1024 * MAX_ENTRY_SHARE),
            sizeCalculation: (value, key) => value.body.length + key.length + 64,
            ttl,
          })
        : undefined;
  }

  get enabled(): boolean {
    return this.lru !== undefined;
  }

  get active(): boolean {
    return this.lru !== undefined && this.available;
  }

  /** The version of a series to put into cache keys (changes on every invalidation). */
  generation(symbol: string, timeframe: string): string {
    return `${this.epoch}.${this.generations.get(`${symbol}:${timeframe}`) ?? 0}`;
  }

  get(key: string): CachedResponse | undefined {
    if (!this.active) return undefined;
    const hit = this.lru!.get(key);
    cacheRequests.inc({ cache: 'bars', result: hit ? 'hit' : 'miss' });
    return hit;
  }

  set(key: string, value: CachedResponse): void {
    if (this.active) this.lru!.set(key, value);
  }

  invalidateSeries(symbol: string, timeframe: string): void {
    const series = `${symbol}:${timeframe}`;
    this.generations.set(series, (this.generations.get(series) ?? 0) + 1);
    for (const listener of this.listeners) listener(series);
  }

  invalidateAll(): void {
    this.epoch += 1;
    this.generations.clear();
    this.lru?.clear();
    for (const listener of this.listeners) listener(undefined);
  }

  /** Called by the change listener: the cache may only be used while notifications arrive. */
  setAvailable(available: boolean): void {
    if (available && !this.available) this.invalidateAll();
    this.available = available;
  }

  /** Other caches built on bars (coverage statistics) follow the same invalidations. */
  onInvalidate(listener: (series: string | undefined) => void): void {
    this.listeners.push(listener);
  }
}

/** Weak validator: compression changes the bytes on the wire, not the representation. */
export function etagOf(body: string | Buffer): string {
  // crypto.hash is the one-shot form: no Hash object per call (about 2 µs less per response).
  return `W/"${hash('sha1', body, 'base64url')}"`;
}
