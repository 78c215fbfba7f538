/** What the backfill feature offers the rest of the application; other features import only this. */
export * from './backfill.module';
export * from './backfill-runner.service';
export * from './backfill-runs.service';
export * from './backfill-status.service';
export * from './bar-writer';
