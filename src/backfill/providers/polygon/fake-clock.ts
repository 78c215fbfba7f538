import { abortReason, Clock } from './clock';

/**
 * A virtual clock for tests: sleep() advances virtual time at once and records the request, so
 * back-off and budget behaviour over minutes runs instantly and can be inspected.
 */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];

  constructor(private time = 0) {}

  now(): number {
    return this.time;
  }

  async sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) throw abortReason(signal);
    this.sleeps.push(ms);
    this.time += Math.max(0, ms);
    // Let other queued work observe the new time before this sleeper resumes.
    await new Promise((resolve) => setImmediate(resolve));
  }

  advance(ms: number): void {
    this.time += ms;
  }
}
