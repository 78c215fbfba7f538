/** A reading of the API's cumulative request counter. */
export interface CounterSample {
  count: number;
  /** Seconds since the server started (the metrics' uptimeSeconds). */
  uptimeSeconds: number;
}

/**
 * Requests per second between two readings of /api/v1/metrics. Null for the first reading, or
 * when the server restarted in between (its counter and uptime went back).
 */
export function requestRate(previous: CounterSample | null, current: CounterSample): number | null {
  if (!previous) return null;
  const seconds = current.uptimeSeconds - previous.uptimeSeconds;
  const requests = current.count - previous.count;
  if (seconds <= 0 || requests < 0) return null;
  return requests / seconds;
}
