/**
 * The q-quantile of a histogram, computed the way Prometheus' `histogram_quantile` does: find the
 * bucket that holds rank q·count and interpolate linearly between its lower and upper bound
 * (the first bucket starts at 0). A rank in the +Inf bucket answers the highest finite bound.
 * So /api/v1/metrics reports exactly what a Grafana panel over /metrics would show, from the same
 * fixed buckets, without keeping any samples.
 *
 * `bounds` are the finite upper bounds, ascending; `counts` the per-bucket (not cumulative)
 * counts, one more than `bounds` (the last is +Inf). Returns null for an empty histogram.
 */
export function histogramQuantile(
  q: number,
  bounds: readonly number[],
  counts: ArrayLike<number>,
): number | null {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i];
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < bounds.length; i++) {
    const inBucket = counts[i];
    if (below + inBucket >= rank && inBucket > 0) {
      const lower = i === 0 ? 0 : bounds[i - 1];
      return lower + (bounds[i] - lower) * ((rank - below) / inBucket);
    }
    below += inBucket;
  }
  return bounds[bounds.length - 1];
}
