import { abortReason, Clock, systemClock } from './clock';

/**
 * A client-side budget of `limit` upstream requests per sliding `windowMs`, shared by every call
 * of the process. Exhaustion waits (in arrival order) rather than failing: a backfill on Polygon's
 * free tier (5 requests/minute) should be slow, not broken. Every attempt counts, retries too,
 * since Polygon counts them.
 */
export class RequestBudget {
  private readonly sent: number[] = [];
  private queue: Promise<void> = Promise.resolve();
  private waitingCount = 0;

  constructor(
    readonly limit: number,
    readonly windowMs = 60_000,
    private readonly clock: Clock = systemClock,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error('limit must be a positive integer');
  }

  /** Waits until a request may be sent, then records it as sent. */
  acquire(signal?: AbortSignal): Promise<void> {
    this.waitingCount += 1;
    const turn = this.queue.then(() => this.waitForSlot(signal));
    // A caller that aborts must not block the ones queued behind it.
    this.queue = turn.catch(() => undefined);
    return turn.finally(() => {
      this.waitingCount -= 1;
    });
  }

  /** Requests sent within the current window (for metrics and tests). */
  usedInWindow(): number {
    this.expire(this.clock.now());
    return this.sent.length;
  }

  /** Callers currently waiting for a slot. */
  waiting(): number {
    return this.waitingCount;
  }

  private async waitForSlot(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw abortReason(signal);
      const now = this.clock.now();
      this.expire(now);
      if (this.sent.length < this.limit) {
        this.sent.push(now);
        return;
      }
      await this.clock.sleep(this.sent[0] + this.windowMs - now, signal);
    }
  }

  private expire(now: number): void {
    while (this.sent.length > 0 && this.sent[0] + this.windowMs <= now) this.sent.shift();
  }
}
