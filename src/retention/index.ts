/** What the retention feature offers the rest of the application; other features import only this. */
export * from './minute-bar-retention.service';
export * from './retention.module';
