import { AppConfig } from '../config/app-config';

/**
 * How long a graceful stop may take in all before the process exits anyway: the drain window,
 * then up to 10 s for in-flight requests, a running backfill's last batch and the database to
 * close. With the defaults (5 s drain) that is 15 s, compose's stop_grace_period.
 */
export function shutdownDeadlineMs(config: AppConfig): number {
  return config.api.shutdownDrainMs + 10_000;
}
