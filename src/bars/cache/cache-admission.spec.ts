import { CacheAdmission } from './cache-admission';

describe('CacheAdmission', () => {
  const KB = 1024;

  it('admits a key at its second miss, not its first', () => {
    const admission = new CacheAdmission(1024 * KB);
    expect(admission.admit('a', 100 * KB)).toBe(false);
    expect(admission.admit('a', 100 * KB)).toBe(true);
    expect(admission.admit('a', 100 * KB)).toBe(true);
  });

  it('admits a re-read only when less than the window of other misses came in between', () => {
    const admission = new CacheAdmission(1024 * KB);
    admission.admit('a', 100 * KB);
    for (let i = 0; i < 10; i++) admission.admit(`near${i}`, 100 * KB); // 1,000 KB later
    expect(admission.admit('a', 100 * KB)).toBe(true);
    admission.admit('b', 100 * KB);
    for (let i = 0; i < 11; i++) admission.admit(`far${i}`, 100 * KB); // 1,100 KB later
    expect(admission.admit('b', 100 * KB)).toBe(false);
  });

  it('admits nothing of a cyclic scan larger than the window, and remembers only the window', () => {
    const admission = new CacheAdmission(1024 * KB);
    let admitted = 0;
    for (let round = 0; round < 5; round++) {
      for (let page = 0; page < 50; page++)
        if (admission.admit(`page${page}`, 100 * KB)) admitted++;
    }
    expect(admitted).toBe(0);
    expect(admission.remembered).toBeLessThanOrEqual(11);
  });

  it('admits every page of a cyclic scan that fits in the window, from its second round', () => {
    const admission = new CacheAdmission(1024 * KB);
    const rounds = [0, 1, 2].map(() => {
      let admitted = 0;
      for (let page = 0; page < 8; page++) if (admission.admit(`page${page}`, 100 * KB)) admitted++;
      return admitted;
    });
    expect(rounds).toEqual([0, 8, 8]);
  });

  it('stays small over a long run of distinct keys', () => {
    const admission = new CacheAdmission(1024 * KB);
    for (let i = 0; i < 100_000; i++) admission.admit(`k${i}`, 64 * KB);
    expect(admission.remembered).toBeLessThanOrEqual(17);
  });
});
