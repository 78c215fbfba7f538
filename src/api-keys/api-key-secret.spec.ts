import { createHash } from 'node:crypto';

import {
  digestsEqual,
  generateApiKey,
  hashApiKey,
  isWellFormedApiKey,
  previewOf,
} from './api-key-secret';
import { stripSecrets } from './audit.service';
import { scopesSatisfy } from './require-scopes.decorator';

describe('API key secrets', () => {
  it('generates mdw_ + 43 base62 characters (about 256 bits)', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^mdw_[0-9A-Za-z]{43}$/);
    expect(43 * Math.log2(62)).toBeGreaterThan(190);
  });

  it('never repeats and uses the whole alphabet evenly', () => {
    const counts = new Map<string, number>();
    const keys = new Set<string>();
    for (let i = 0; i < 2000; i += 1) {
      const key = generateApiKey();
      keys.add(key);
      for (const char of key.slice(4)) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect(keys.size).toBe(2000);
    expect(counts.size).toBe(62);
    // 86,000 characters over 62 symbols: ~1387 each. Modulo bias (256 % 62) would put the first
    // eight symbols ~25 % above the rest; rejection sampling keeps every symbol within a few %.
    const expected = (2000 * 43) / 62;
    for (const count of counts.values())
      expect(Math.abs(count - expected) / expected).toBeLessThan(0.15);
  });

  it('hashes with SHA-256 of the whole key', () => {
    const key = generateApiKey();
    expect(hashApiKey(key).equals(createHash('sha256').update(key).digest())).toBe(true);
    expect(hashApiKey(key)).toHaveLength(32);
  });

  it('compares digests in constant time, false for a different length', () => {
    const a = hashApiKey('mdw_a');
    expect(digestsEqual(a, hashApiKey('mdw_a'))).toBe(true);
    expect(digestsEqual(a, hashApiKey('mdw_b'))).toBe(false);
    expect(digestsEqual(a, a.subarray(0, 16))).toBe(false);
  });

  it('previews mdw_ + the first 4 and last 4 characters of the secret', () => {
    expect(previewOf('mdw_ABCDefghijklmnopqrstuvwxyz0123456789WXYZ1')).toBe('mdw_ABCDXYZ1');
  });

  it('recognises well-formed keys only', () => {
    expect(isWellFormedApiKey(generateApiKey())).toBe(true);
    expect(isWellFormedApiKey('mdw_short')).toBe(false);
    expect(isWellFormedApiKey(`abc_${'a'.repeat(43)}`)).toBe(false);
    expect(isWellFormedApiKey(`mdw_${'a'.repeat(42)}!`)).toBe(false);
  });
});

describe('scopes', () => {
  it('lets admin satisfy read but not the other way round', () => {
    expect(scopesSatisfy(['admin'], ['read'])).toBe(true);
    expect(scopesSatisfy(['read'], ['admin'])).toBe(false);
    expect(scopesSatisfy(['read'], [])).toBe(true);
    expect(scopesSatisfy(['read', 'admin'], ['admin'])).toBe(true);
  });
});

describe('audit details', () => {
  it('drops secret-named fields at any depth', () => {
    expect(
      stripSecrets({
        name: 'n',
        Key: 'k',
        keyHash: 'h',
        a: [{ secret: 1, b: 2 }],
        c: { api_key: 3, d: null },
      }),
    ).toEqual({ name: 'n', a: [{ b: 2 }], c: { d: null } });
  });
});
