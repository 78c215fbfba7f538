import { FakeClock } from './fake-clock';
import { RequestBudget } from './request-budget';

describe('RequestBudget', () => {
  it('lets the limit through at once, then waits for the oldest request to leave the window', async () => {
    const clock = new FakeClock(1_000);
    const budget = new RequestBudget(5, 60_000, clock);
    const stamps: number[] = [];
    for (let i = 0; i < 12; i += 1) {
      await budget.acquire();
      stamps.push(clock.now());
    }
    expect(stamps.slice(0, 5)).toEqual([1_000, 1_000, 1_000, 1_000, 1_000]);
    expect(stamps.slice(5, 10)).toEqual([61_000, 61_000, 61_000, 61_000, 61_000]);
    expect(stamps[10]).toBe(121_000);
    for (let i = 0; i + 5 < stamps.length; i += 1) {
      expect(stamps[i + 5] - stamps[i]).toBeGreaterThanOrEqual(60_000);
    }
  });

  it('never exceeds the limit in any window when callers arrive concurrently', async () => {
    const clock = new FakeClock(0);
    const budget = new RequestBudget(3, 60_000, clock);
    const stamps: number[] = [];
    await Promise.all(
      Array.from({ length: 10 }, () => budget.acquire().then(() => stamps.push(clock.now()))),
    );
    expect(stamps).toHaveLength(10);
    stamps.sort((a, b) => a - b);
    for (let i = 0; i + 3 < stamps.length; i += 1) {
      expect(stamps[i + 3] - stamps[i]).toBeGreaterThanOrEqual(60_000);
    }
  });

  it('reports use within the current window', async () => {
    const clock = new FakeClock(0);
    const budget = new RequestBudget(5, 1_000, clock);
    await budget.acquire();
    await budget.acquire();
    expect(budget.usedInWindow()).toBe(2);
    clock.advance(1_000);
    expect(budget.usedInWindow()).toBe(0);
  });

  it('stops waiting when the caller aborts, without blocking later callers', async () => {
    const clock = new FakeClock(0);
    const budget = new RequestBudget(1, 60_000, clock);
    await budget.acquire();
    const controller = new AbortController();
    controller.abort(new Error('shutting down'));
    await expect(budget.acquire(controller.signal)).rejects.toThrow('shutting down');
    await budget.acquire();
    expect(clock.now()).toBe(60_000);
  });

  it('rejects a non-positive limit', () => {
    expect(() => new RequestBudget(0)).toThrow('positive');
  });
});
