import { describe, expect, it } from 'vitest';

import { requestRate } from './request-rate';

describe('request rate from two metrics readings', () => {
  it('divides the requests between readings by the seconds between them', () => {
    expect(requestRate({ count: 100, uptimeSeconds: 10 }, { count: 160, uptimeSeconds: 40 })).toBe(
      2,
    );
  });

  it('has no rate at the first reading or across a server restart', () => {
    expect(requestRate(null, { count: 5, uptimeSeconds: 1 })).toBeNull();
    expect(
      requestRate({ count: 500, uptimeSeconds: 900 }, { count: 3, uptimeSeconds: 2 }),
    ).toBeNull();
  });
});
