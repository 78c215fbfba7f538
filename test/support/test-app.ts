import { NestFastifyApplication } from '@nestjs/platform-fastify';
import { DataSource } from 'typeorm';

import { AppConfig } from '../../src/config/app-config';
import { createApp } from '../../src/create-app';
import { createTestDatabase, dropTestDatabase } from './test-database';

export interface TestApp {
  app: NestFastifyApplication;
  /** http://127.0.0.1:<random port> */
  url: string;
  config: AppConfig;
  dataSource: DataSource;
  databaseUrl: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Extra environment for this app (same names and parsing as production). */
  env?: Record<string, string>;
  /** Reuse an existing database instead of creating a fresh one. */
  databaseUrl?: string;
  /** Extra modules mounted only in tests (probe controllers). */
  extraModules?: unknown[];
}

/** Environment every test app starts from: quiet logs, no scheduler, port chosen by the OS. */
export const TEST_ENV: Record<string, string> = {
  API_PORT: '0',
  API_HOST: '127.0.0.1',
  LOG_LEVEL: 'silent',
  BACKFILL_ENABLED: 'false',
  // The demo warehouse would fill every fresh test database with synthetic bars.
  DEMO_SEED: 'false',
  // Tests send many requests from one IP; the rate-limit tests set their own small limits.
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1000000',
  RATE_LIMIT_KEY_PER_MINUTE: '1000000',
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: '1000000',
};

/**
 * Boots the real Nest application (the same createApp as production) on a fresh database with
 * migrations applied, listening on a random port, for tests over real HTTP.
 */
export async function startTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const databaseUrl = options.databaseUrl ?? (await createTestDatabase());
  const config = AppConfig.fromEnv({ ...TEST_ENV, ...options.env, DATABASE_URL: databaseUrl });
  const app = await createApp(config, { extraModules: options.extraModules as never });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address() as { port: number };
  const ownsDatabase = options.databaseUrl === undefined;
  return {
    app,
    url: `http://127.0.0.1:${address.port}`,
    config,
    dataSource: app.get(DataSource),
    databaseUrl,
    async close() {
      await app.close();
      if (ownsDatabase) await dropTestDatabase(databaseUrl);
    },
  };
}
