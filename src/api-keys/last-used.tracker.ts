import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';

import { ApiKeysRepository } from './api-keys.repository';

/** How often pending last-use times are written: at most one UPDATE per interval for all keys. */
const FLUSH_INTERVAL_MS = 5_000;

/**
 * Coalesces `last_used_at`: authenticated requests only note the time in memory, and one
 * statement writes every key's latest use every few seconds (and once more at shutdown). A busy
 * key thus costs one write per interval instead of one per request; the price is that
 * lastUsedAt may lag by up to the interval (or be lost if the process is killed hard).
 */
@Injectable()
export class LastUsedTracker implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('ApiKeys');
  private pending = new Map<string, Date>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly repository: ApiKeysRepository) {}

  onModuleInit(): void {
    this.timer = setInterval(() => void this.flush(), FLUSH_INTERVAL_MS);
    this.timer.unref();
  }

  noteUse(keyId: string, at = new Date()): void {
    this.pending.set(keyId, at);
  }

  /** A use noted but not yet written, so reads can show it before the next flush. */
  pendingUse(keyId: string): Date | undefined {
    return this.pending.get(keyId);
  }

  /** Writes every pending use; on failure they are kept for the next attempt. */
  async flush(): Promise<void> {
    if (this.pending.size === 0) return;
    const batch = this.pending;
    this.pending = new Map();
    try {
      await this.repository.recordLastUse([...batch].map(([id, at]) => ({ id, at })));
    } catch (error) {
      for (const [id, at] of batch) if (!this.pending.has(id)) this.pending.set(id, at);
      this.logger.warn(`could not record key last-use times: ${(error as Error).message}`);
    }
  }

  /** Before the database closes: stop the timer and write what is pending. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }
}
