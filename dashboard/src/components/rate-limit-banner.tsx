import { useEffect, useState } from 'preact/hooks';

import { onRateLimited } from '../api/client';
import { rateLimitNotice } from '../lib/errors';

/** Shown while a request waits out a 429's Retry-After; counts down each second. */
export function RateLimitBanner() {
  const [retryAt, setRetryAt] = useState<number | null>(null);
  const [now, setNow] = useState(Date.now());
  useEffect(() => onRateLimited((event) => setRetryAt(event ? event.retryAt : null)), []);
  useEffect(() => {
    if (retryAt === null) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [retryAt]);
  return (
    <div class="rate-limit" role="status" aria-live="polite">
      {retryAt !== null && <p class="banner warning">{rateLimitNotice((retryAt - now) / 1000)}</p>}
    </div>
  );
}
