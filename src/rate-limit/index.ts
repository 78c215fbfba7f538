/** What the rate-limit feature offers the rest of the application; other features import only this. */
export * from './api-path';
export * from './rate-limit.module';
export * from './rate-limiter.service';
