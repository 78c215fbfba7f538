import { etagOf } from '../../common/http-caching';
import { SeriesChanges } from '../../common/series-changes';
import { AppConfig } from '../../config/app-config';
import { ADMIT_ON_REUSE_BYTES, BarsCache } from './bars-cache';

const config = (ttl: string) => AppConfig.fromEnv({ CACHE_TTL_SECONDS: ttl });

describe('BarsCache', () => {
  it('serves nothing until the change listener is connected', () => {
    const changes = new SeriesChanges();
    const cache = new BarsCache(config('60'), changes);
    cache.set('k', { body: Buffer.from('x'), etag: 'e' });
    expect(cache.get('k')).toBeUndefined();
    changes.setRelayed(true);
    cache.set('k', { body: Buffer.from('x'), etag: 'e' });
    expect(cache.get('k')).toEqual({ body: Buffer.from('x'), etag: 'e' });
  });

  it('moves a series to a new generation on invalidation, leaving other series alone', () => {
    const changes = new SeriesChanges();
    const cache = new BarsCache(config('60'), changes);
    changes.setRelayed(true);
    const aapl = cache.generation('AAPL', '1m');
    const msft = cache.generation('MSFT', '1m');
    changes.publish('AAPL', '1m');
    expect(cache.generation('AAPL', '1m')).not.toBe(aapl);
    expect(cache.generation('MSFT', '1m')).toBe(msft);
    expect(cache.generation('AAPL', '1d')).toBe(cache.generation('MSFT', '1d'));
  });

  it('forgets everything when the listener reconnects (notifications may have been missed)', () => {
    const changes = new SeriesChanges();
    const cache = new BarsCache(config('60'), changes);
    changes.setRelayed(true);
    const before = cache.generation('AAPL', '1m');
    cache.set('k', { body: Buffer.from('x'), etag: 'e' });
    changes.setRelayed(false);
    changes.setRelayed(true);
    expect(cache.get('k')).toBeUndefined();
    expect(cache.generation('AAPL', '1m')).not.toBe(before);
  });

  it('is off with a TTL of 0', () => {
    const changes = new SeriesChanges();
    const cache = new BarsCache(config('0'), changes);
    changes.setRelayed(true);
    cache.set('k', { body: Buffer.from('x'), etag: 'e' });
    expect(cache.enabled).toBe(false);
    expect(cache.get('k')).toBeUndefined();
  });

  it('stays within CACHE_MAX_MB and keeps no response over 1/32 of it', () => {
    const changes = new SeriesChanges();
    const cache = new BarsCache(
      AppConfig.fromEnv({ CACHE_TTL_SECONDS: '60', CACHE_MAX_MB: '1' }),
      changes,
    );
    changes.setRelayed(true);
    cache.set('big', { body: Buffer.alloc(40 * 1024), etag: 'e' });
    expect(cache.get('big')).toBeUndefined();
    for (let i = 0; i < 100; i++) cache.set(`k${i}`, { body: Buffer.alloc(16 * 1024), etag: 'e' });
    expect(cache.get('k0')).toBeUndefined();
    expect(cache.get('k99')).toBeDefined();
  });

  it('counts what it holds: churn never grows it past the bound', () => {
    const changes = new SeriesChanges();
    const cache = new BarsCache(
      AppConfig.fromEnv({ CACHE_TTL_SECONDS: '60', CACHE_MAX_MB: '1' }),
      changes,
    );
    changes.setRelayed(true);
    for (let i = 0; i < 1000; i++) {
      cache.set(`k${i}`, { body: Buffer.alloc(20_000, i % 256), etag: `e${i}` });
    }
    expect(cache.memoryBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(cache.memoryBytes).toBeGreaterThan(1024 * 1024 - 20_100);
    expect(cache.get('k999')).toEqual({ body: Buffer.alloc(20_000, 999 % 256), etag: 'e999' });
    expect(cache.get('k0')).toBeUndefined();
  });

  it('counts a replaced entry once: storing one key over and over holds one body', () => {
    const changes = new SeriesChanges();
    const cache = new BarsCache(config('60'), changes);
    changes.setRelayed(true);
    for (let i = 0; i < 1000; i++)
      cache.set('k', { body: Buffer.alloc(50_000, i % 256), etag: 'e' });
    expect(cache.memoryBytes).toBe(50_000 + 'k'.length + 64);
    expect(cache.get('k')?.body).toEqual(Buffer.alloc(50_000, 999 % 256));
  });

  it('stores a large body at its second miss, and none of a scan over more than it can hold', () => {
    const changes = new SeriesChanges();
    const cache = new BarsCache(
      AppConfig.fromEnv({ CACHE_TTL_SECONDS: '60', CACHE_MAX_MB: '4' }),
      changes,
    );
    changes.setRelayed(true);
    const page = (i: number) => ({
      body: Buffer.alloc(ADMIT_ON_REUSE_BYTES, i % 256),
      etag: `e${i}`,
    });
    // 100 distinct 64 KiB pages, twice: each re-read comes 6.4 MB later, after a 4 MB cache would
    // have evicted it.
    for (let round = 0; round < 2; round++)
      for (let i = 0; i < 100; i++) cache.set(`p${i}`, page(i));
    expect(cache.memoryBytes).toBe(0);
    // Read again soon, a page is stored at its second miss; a body under the size at its first.
    cache.set('hot', page(7));
    expect(cache.get('hot')).toBeUndefined();
    cache.set('hot', page(7));
    expect(cache.get('hot')).toEqual(page(7));
    cache.set('small', { body: Buffer.alloc(ADMIT_ON_REUSE_BYTES - 1), etag: 's' });
    expect(cache.get('small')).toBeDefined();
  });

  it('derives weak ETags from the body', () => {
    expect(etagOf('a')).toMatch(/^W\/".+"$/);
    expect(etagOf('a')).toBe(etagOf('a'));
    expect(etagOf('a')).not.toBe(etagOf('b'));
  });
});
