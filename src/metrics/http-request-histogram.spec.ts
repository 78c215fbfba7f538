import { HttpRequestHistogram, UNMATCHED_ROUTE } from './http-request-histogram';

describe('HttpRequestHistogram', () => {
  it('keeps one series per route template, method and status class', () => {
    const h = new HttpRequestHistogram();
    h.observe('GET', '/api/v1/historical/:symbol', 200, 0.002);
    h.observe('GET', '/api/v1/historical/:symbol', 200, 0.02);
    h.observe('GET', '/api/v1/historical/:symbol', 404, 0.001);
    h.observe('GET', UNMATCHED_ROUTE, 404, 0.0001);
    const series = h.series();
    expect(series.map((s) => [s.route, s.method, s.statusClass, s.count])).toEqual([
      ['/api/v1/historical/:symbol', 'GET', '2xx', 2],
      ['/api/v1/historical/:symbol', 'GET', '4xx', 1],
      [UNMATCHED_ROUTE, 'GET', '4xx', 1],
    ]);
    expect(series[0].sum).toBeCloseTo(0.022);
  });

  it('puts an observation into the first bucket whose bound it does not exceed', () => {
    const h = new HttpRequestHistogram();
    h.observe('GET', '/x', 200, 0.0005); // exactly the first bound: le="0.0005"
    h.observe('GET', '/x', 200, 0.0006);
    h.observe('GET', '/x', 200, 60); // beyond 10 s: +Inf
    const [s] = h.series();
    expect(s.buckets[0]).toBe(1);
    expect(s.buckets[1]).toBe(1);
    expect(s.buckets[s.buckets.length - 1]).toBe(1);
  });

  it('folds unknown methods and odd status codes into fixed labels', () => {
    const h = new HttpRequestHistogram();
    h.observe('BREW', '/x', 418, 0.001);
    h.observe('PROPFIND', '/x', 999, 0.001);
    expect(h.series().map((s) => [s.method, s.statusClass])).toEqual([
      ['OTHER', '4xx'],
      ['OTHER', 'other'],
    ]);
  });
});
