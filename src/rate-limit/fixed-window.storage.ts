import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';

interface Window {
  hits: number;
  /** Epoch ms when this window ends and the count starts again. */
  resetAt: number;
}

export interface WindowState {
  hits: number;
  /** Whole seconds until the window resets (at least 1). */
  resetSeconds: number;
}

const SWEEP_INTERVAL_MS = 60_000;

/**
 * In-process fixed-window counters, one per (policy, client).
 *
 * Why not @nestjs/throttler's `ThrottlerStorageService`: it keeps a sliding log of one timestamp per
 * hit and filters that array on every request, O(limit) per request (6000 entries for a busy
 * key); a fixed window is one Map lookup and an increment, O(1), and needs no per-hit timers.
 * The cost of a fixed window is that a client may spend up to twice the limit around a window
 * boundary, which is acceptable for a fairness limit (the nginx edge limit smooths bursts).
 */
@Injectable()
export class FixedWindowStorage implements BeforeApplicationShutdown {
  private readonly windows = new Map<string, Window>();
  private sweeper: NodeJS.Timeout | undefined;

  /** Counts one hit and returns the window's state after it. */
  hit(key: string, windowMs: number, now = Date.now()): WindowState {
    let window = this.windows.get(key);
    if (!window || window.resetAt <= now) {
      window = { hits: 0, resetAt: now + windowMs };
      this.windows.set(key, window);
      this.ensureSweeper();
    }
    window.hits += 1;
    return { hits: window.hits, resetSeconds: secondsUntil(window.resetAt, now) };
  }

  /** The state without counting (hits 0 when no window is open). */
  peek(key: string, windowMs: number, now = Date.now()): WindowState {
    const window = this.windows.get(key);
    if (!window || window.resetAt <= now)
      return { hits: 0, resetSeconds: Math.ceil(windowMs / 1000) };
    return { hits: window.hits, resetSeconds: secondsUntil(window.resetAt, now) };
  }

  /** Drops closed windows, so memory tracks the clients of the last minute only. */
  sweep(now = Date.now()): void {
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }

  get size(): number {
    return this.windows.size;
  }

  beforeApplicationShutdown(): void {
    if (this.sweeper) clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private ensureSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }
}

function secondsUntil(epochMs: number, now: number): number {
  return Math.max(1, Math.ceil((epochMs - now) / 1000));
}
