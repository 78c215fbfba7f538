import {
  BeforeApplicationShutdown,
  Injectable,
  Logger,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';

import { SERIES_CHANGED_CHANNEL, SeriesChanges } from '../../common/series-changes';
import { BarsCache } from './bars-cache';

const RECONNECT_MS = 1_000;

/**
 * LISTENs on `bars_changed` on a dedicated connection (outside the pool, so it never blocks a
 * query) and republishes what other processes changed on this process's series-changed signal
 * (SeriesChanges). Payload `SYMBOL:timeframe` (symbols may contain ':', so the timeframe is after
 * the last one), or `*`. Derived data (the read cache, symbol statistics) is kept only while this
 * connection is up (`SeriesChanges.complete`), and every (re)connect publishes everything as
 * changed, because notifications may have been missed meanwhile.
 */
@Injectable()
export class BarsChangeListener implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(BarsChangeListener.name);
  private client: Client | undefined;
  private stopped = false;
  private retry: NodeJS.Timeout | undefined;

  constructor(
    private readonly dataSource: DataSource,
    private readonly cache: BarsCache,
    private readonly changes: SeriesChanges,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.cache.enabled) return;
    await this.connect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    this.changes.setRelayed(false);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const options = this.dataSource.options as PostgresConnectionOptions;
    const client = new Client({
      connectionString: options.url,
      application_name: 'market-data-warehouse:listen',
      keepAlive: true,
    });
    const lost = (reason: string): void => {
      if (this.client !== client) return;
      this.client = undefined;
      this.changes.setRelayed(false);
      client.end().catch(() => undefined);
      if (this.stopped) return;
      this.logger.warn(`bars_changed listener lost (${reason}); read cache off until it is back`);
      this.retry = setTimeout(() => void this.connect(), RECONNECT_MS);
    };
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('connection ended'));
    client.on('notification', (message) => {
      if (message.channel !== SERIES_CHANGED_CHANNEL) return;
      this.handle(message.payload ?? '*');
    });
    this.client = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${SERIES_CHANGED_CHANNEL}`);
      if (this.client === client && !this.stopped) {
        this.changes.setRelayed(true);
      }
    } catch (error) {
      lost((error as Error).message);
    }
  }

  private handle(payload: string): void {
    const at = payload.lastIndexOf(':');
    if (payload === '*' || at <= 0) this.changes.publishAll();
    else this.changes.publish(payload.slice(0, at), payload.slice(at + 1));
  }
}
