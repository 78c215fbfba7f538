import type { Readable } from 'node:stream';

import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';

import { SeriesChanges } from '../../common/series-changes';
import { AppConfig } from '../../config/app-config';
import { cacheMemoryBytes, cacheRequests } from '../../metrics';
import { CacheAdmission } from './cache-admission';

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
 * A response of at least this size (~430 bars and more) is stored only at its second miss within
 * the cache's size worth of large misses (CacheAdmission): scans of distinct large pages then
 * pass by without evicting what is re-read. Smaller ones are stored at their first miss.
 */
export const ADMIT_ON_REUSE_BYTES = 64 * 1024;

/** Bytes an entry is counted as: its body, its key and the entry's own objects. */
const countedBytes = (bodyLength: number, key: string): number => bodyLength + key.length + 64;

/**
 * The in-process read cache for bar responses, with per-series invalidation.
 *
 * Invalidation does not hunt for keys: callers put the versions of the series a response depends
 * on into its key (`generation`, the series' version on the series-changed signal), and a change
 * to a series moves it to a new version, so older entries become unreachable and age out of the
 * LRU. A reader takes the generation *before* querying; if a write lands while the query runs,
 * its result is stored under the old generation and never served.
 *
 * It follows the series-changed signal (SeriesChanges): writes in this process publish right
 * after commit, writes by other processes arrive as `bars_changed` notifications that
 * BarsChangeListener republishes. While that listener is not connected the cache is switched off
 * (nothing read, nothing stored), and when it reconnects everything is dropped, because
 * notifications may have been missed in between.
 *
 * An entry keeps the response's own body Buffer (never copied). Large bodies are stored only
 * when their key is re-read soon enough to be served again (CacheAdmission).
 */
@Injectable()
export class BarsCache {
  private readonly lru: LRUCache<string, CachedResponse> | undefined;
  /** Undefined when READ_PATH_DISABLE lists `admission`: every response is stored. */
  private readonly admission: CacheAdmission | undefined;
  private readonly maxEntryBytes: number;

  readonly ttlSeconds: number;

  constructor(
    config: AppConfig,
    private readonly changes: SeriesChanges,
  ) {
    // A series' entries become unreachable with its new version; all of them go at once.
    changes.subscribe((change) => {
      if (change.scope === 'all') this.lru?.clear();
    });
    this.ttlSeconds = config.cacheTtlSeconds;
    const ttl = config.cacheTtlSeconds * 1000;
    const maxBytes = config.cacheMaxMb * 1024 * 1024;
    this.maxEntryBytes = Math.floor(maxBytes * MAX_ENTRY_SHARE);
    if (ttl <= 0) return;
    this.admission = config.readPath.disabled.has('admission')
      ? undefined
      : new CacheAdmission(maxBytes);
    this.lru = new LRUCache<string, CachedResponse>({
      // CACHE_MAX_MB bounds the bodies plus keys and overhead.
      maxSize: maxBytes,
      maxEntrySize: this.maxEntryBytes,
      sizeCalculation: (entry, key) => countedBytes(entry.body.length, key),
      ttl,
      // Every way out of the LRU (evicted, expired, replaced, cleared) updates the gauge, once
      // the LRU has counted the entry out.
      dispose: () => this.reportMemorySoon(),
    });
  }

  get enabled(): boolean {
    return this.lru !== undefined;
  }

  get active(): boolean {
    return this.lru !== undefined && this.changes.complete;
  }

  /** The version of a series to put into cache keys (changes whenever the series does). */
  generation(symbol: string, timeframe: string): string {
    return this.changes.version(symbol, timeframe);
  }

  get(key: string): CachedResponse | undefined {
    if (!this.active) return undefined;
    const hit = this.lru!.get(key);
    cacheRequests.inc({ cache: 'bars', result: hit ? 'hit' : 'miss' });
    return hit;
  }

  /** Stores a response; a streamed one (a large page, read as it is sent) is never stored. */
  set(key: string, value: { body: Buffer | Readable; etag: string }): void {
    if (!this.active || !Buffer.isBuffer(value.body)) return;
    const length = value.body.length;
    // Too large to keep: checked before the admission counts it (the LRU would refuse it).
    if (countedBytes(length, key) > this.maxEntryBytes) return;
    if (this.admission && length >= ADMIT_ON_REUSE_BYTES && !this.admission.admit(key, length)) {
      return;
    }
    this.lru!.set(key, { body: value.body, etag: value.etag });
    this.reportMemory();
  }

  /** Bytes the cache holds (bodies, keys and entries, as CACHE_MAX_MB counts them). */
  get memoryBytes(): number {
    return this.lru?.calculatedSize ?? 0;
  }

  private reportMemory(): void {
    cacheMemoryBytes.set({ cache: 'bars' }, this.memoryBytes);
  }

  private reportPending = false;

  private reportMemorySoon(): void {
    if (this.reportPending) return;
    this.reportPending = true;
    queueMicrotask(() => {
      this.reportPending = false;
      this.reportMemory();
    });
  }
}
