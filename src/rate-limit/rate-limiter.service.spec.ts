import type { FastifyReply } from 'fastify';

import { AppConfig } from '../config/app-config';
import { FixedWindowStorage } from './fixed-window.storage';
import { RateLimiter } from './rate-limiter.service';

function limiter(storage = new FixedWindowStorage()): RateLimiter {
  const config = AppConfig.fromEnv({
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '2',
    RATE_LIMIT_KEY_PER_MINUTE: '5',
    RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '1',
  });
  return new RateLimiter(config, storage);
}

describe('FixedWindowStorage', () => {
  it('counts hits per key and starts again after the window', () => {
    const storage = new FixedWindowStorage();
    expect(storage.hit('a', 60_000, 0)).toEqual({ hits: 1, resetSeconds: 60 });
    expect(storage.hit('a', 60_000, 30_500)).toEqual({ hits: 2, resetSeconds: 30 });
    expect(storage.hit('b', 60_000, 30_500).hits).toBe(1);
    expect(storage.hit('a', 60_000, 60_000)).toEqual({ hits: 1, resetSeconds: 60 });
  });

  it('peeks without counting and sweeps closed windows', () => {
    const storage = new FixedWindowStorage();
    storage.hit('a', 1_000, 0);
    expect(storage.peek('a', 1_000, 10).hits).toBe(1);
    expect(storage.peek('a', 1_000, 10).hits).toBe(1);
    storage.sweep(2_000);
    expect(storage.size).toBe(0);
    storage.beforeApplicationShutdown();
  });
});

describe('RateLimiter', () => {
  it('allows up to the limit, then refuses with the seconds to wait', () => {
    const rl = limiter();
    expect(rl.consume(rl.anonymous, '1.2.3.4')).toMatchObject({ allowed: true, remaining: 1 });
    expect(rl.consume(rl.anonymous, '1.2.3.4')).toMatchObject({ allowed: true, remaining: 0 });
    const refused = rl.consume(rl.anonymous, '1.2.3.4');
    expect(refused).toMatchObject({ allowed: false, remaining: 0 });
    const error = rl.rejection(refused);
    expect(error.status).toBe(429);
    expect(error.headers?.['Retry-After']).toMatch(/^\d+$/);
  });

  it('keeps buckets apart by policy and client', () => {
    const rl = limiter();
    rl.consume(rl.anonymous, 'x');
    rl.consume(rl.anonymous, 'x');
    expect(rl.consume(rl.keyed, 'x').allowed).toBe(true);
    expect(rl.consume(rl.anonymous, 'y').allowed).toBe(true);
  });

  it('checks the auth-failure budget without spending it', () => {
    const rl = limiter();
    expect(rl.check(rl.authFailures, 'ip').allowed).toBe(true);
    expect(rl.check(rl.authFailures, 'ip').allowed).toBe(true);
    rl.consume(rl.authFailures, 'ip');
    expect(rl.check(rl.authFailures, 'ip').allowed).toBe(false);
  });

  it('writes the draft-ietf-httpapi-ratelimit-headers structured fields', () => {
    const rl = limiter();
    const headers: Record<string, string> = {};
    const reply = {
      header: (name: string, value: string) => (headers[name] = value),
    } as unknown as FastifyReply;
    rl.applyHeaders(reply, rl.consume(rl.keyed, 'k'));
    expect(headers['RateLimit-Policy']).toBe('"key";q=5;w=60');
    expect(headers['RateLimit']).toMatch(/^"key";r=4;t=(60|59)$/);
  });
});
