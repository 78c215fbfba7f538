import { histogramQuantile } from './histogram-quantile';

describe('histogramQuantile', () => {
  const bounds = [0.1, 0.2, 0.4];

  it('answers null for an empty histogram', () => {
    expect(histogramQuantile(0.5, bounds, [0, 0, 0, 0])).toBeNull();
  });

  it('interpolates from zero inside the first bucket', () => {
    expect(histogramQuantile(0.5, bounds, [10, 0, 0, 0])).toBeCloseTo(0.05);
  });

  it('interpolates linearly inside the bucket that holds the rank', () => {
    // 10 below 0.1, 10 in (0.1, 0.2]: rank 15 of 20 sits half way through the second bucket.
    expect(histogramQuantile(0.75, bounds, [10, 10, 0, 0])).toBeCloseTo(0.15);
  });

  it('skips empty buckets', () => {
    expect(histogramQuantile(0.5, bounds, [0, 0, 4, 0])).toBeCloseTo(0.3);
  });

  it('answers the highest finite bound for a rank in +Inf', () => {
    expect(histogramQuantile(0.99, bounds, [1, 0, 0, 99])).toBe(0.4);
  });
});
