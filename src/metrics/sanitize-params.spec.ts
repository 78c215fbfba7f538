import { sanitizeParams } from './sanitize-params';

describe('sanitizeParams', () => {
  it('hides API keys and hashes', () => {
    const key = 'mdw_' + 'a1B2'.repeat(10);
    const hash = 'f'.repeat(64);
    expect(sanitizeParams([key, hash, 'AAPL', 42])).toEqual([
      '[redacted]',
      '[redacted]',
      'AAPL',
      42,
    ]);
  });

  it('cuts long arrays and strings and names binary values', () => {
    const out = sanitizeParams([[1, 2, 3, 4, 5, 6, 7], 'x y '.repeat(40), Buffer.alloc(3)]);
    expect(out?.[0]).toEqual([1, 2, 3, 4, 5, '…(7 items)']);
    expect(String(out?.[1])).toMatch(/…\(160\)$/);
    expect(out?.[2]).toBe('[binary 3 bytes]');
  });

  it('writes dates as ISO instants', () => {
    expect(sanitizeParams([new Date('2024-01-02T00:00:00Z')])).toEqual([
      '2024-01-02T00:00:00.000Z',
    ]);
  });
});
