import { Module } from '@nestjs/common';

import { FixedWindowStorage } from './fixed-window.storage';
import { RateLimitHeadersHook } from './rate-limit-headers.hook';
import { RateLimiter } from './rate-limiter.service';
import { UnmatchedRouteLimiter } from './unmatched-route.limiter';

/** Rate-limit buckets and headers; the API-key guard applies them (it knows who is calling). */
@Module({
  providers: [FixedWindowStorage, RateLimiter, UnmatchedRouteLimiter, RateLimitHeadersHook],
  exports: [RateLimiter],
})
export class RateLimitModule {}
