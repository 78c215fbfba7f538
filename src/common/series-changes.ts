import { Global, Injectable, Logger, Module } from '@nestjs/common';

/**
 * The PostgreSQL channel on which writers announce changed series to other processes, inside
 * their write transaction (delivered at commit). Payload `SYMBOL:timeframe`, or `*` for all.
 */
export const SERIES_CHANGED_CHANNEL = 'bars_changed';

/** Which stored bars changed: one series (a symbol's bars of one base timeframe), or all. */
export type SeriesChange =
  | { readonly scope: 'series'; readonly symbol: string; readonly timeframe: string }
  | { readonly scope: 'all' };

export type SeriesChangeListener = (change: SeriesChange) => void;

/**
 * The "series changed" signal of this process. Whatever writes bars or what bars are derived
 * from (the bar writer, so the backfill and CSV import; the corporate-actions store) publishes
 * right after its transaction commits; whatever keeps something computed from bars (the read
 * cache, symbol statistics) subscribes. Publishers and subscribers know only this, not each other.
 *
 * Other processes' changes arrive as `bars_changed` notifications, which a relay (the read
 * side's listener) republishes here. Only while that relay is connected does every change reach
 * the subscribers (`complete`); a subscriber keeps derived data only then. When it (re)connects
 * everything is published as changed, since notifications may have been missed meanwhile.
 *
 * Every series has a version that changes on each publish: a reader takes it before reading and
 * stores what it read under it, so a change that lands while the read runs makes that result
 * unreachable instead of stale.
 */
@Injectable()
export class SeriesChanges {
  private readonly logger = new Logger(SeriesChanges.name);
  private readonly listeners: SeriesChangeListener[] = [];
  private readonly versions = new Map<string, number>();
  private epoch = 0;
  private relayed = false;

  subscribe(listener: SeriesChangeListener): void {
    this.listeners.push(listener);
  }

  /** A series changed: `timeframe` is the base timeframe its bars are stored in. */
  publish(symbol: string, timeframe: string): void {
    const series = `${symbol}:${timeframe}`;
    this.versions.set(series, (this.versions.get(series) ?? 0) + 1);
    this.emit({ scope: 'series', symbol, timeframe });
  }

  /** Anything may have changed (changes may have been missed). */
  publishAll(): void {
    this.epoch += 1;
    this.versions.clear();
    this.emit({ scope: 'all' });
  }

  /** The version of a series, to put into the keys of anything derived from it. */
  version(symbol: string, timeframe: string): string {
    return `${this.epoch}.${this.versions.get(`${symbol}:${timeframe}`) ?? 0}`;
  }

  /** True while other processes' changes are relayed too: derived data may be kept. */
  get complete(): boolean {
    return this.relayed;
  }

  /** Called by the relay of other processes' changes when it connects or loses its connection. */
  setRelayed(relayed: boolean): void {
    if (relayed && !this.relayed) this.publishAll();
    this.relayed = relayed;
  }

  /** A failing subscriber is logged, not thrown to the writer whose data is already committed. */
  private emit(change: SeriesChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        const what = change.scope === 'all' ? 'all series' : `${change.symbol}:${change.timeframe}`;
        this.logger.error(`a series-changed subscriber failed for ${what}: ${String(error)}`);
      }
    }
  }
}

/** One signal per application (server or CLI): global, so any module may publish or subscribe. */
@Global()
@Module({ providers: [SeriesChanges], exports: [SeriesChanges] })
export class SeriesChangesModule {}
