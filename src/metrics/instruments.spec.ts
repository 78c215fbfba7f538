import { Logger } from '@nestjs/common';

import { configureSlowQueryThreshold, dbQueryDuration, dbQueryErrors, timed } from './instruments';

async function countOf(method: string): Promise<number> {
  const { values } = await dbQueryDuration.get();
  return (
    values.find(
      (v) => v.metricName === 'db_query_duration_seconds_count' && v.labels.method === method,
    )?.value ?? 0
  );
}

describe('timed', () => {
  afterEach(() => {
    configureSlowQueryThreshold(500);
    jest.restoreAllMocks();
  });

  it('records the duration under the repository method and returns the result', async () => {
    const result = await timed('TestRepository.findThings', async () => 42);
    expect(result).toBe(42);
    expect(await countOf('TestRepository.findThings')).toBe(1);
  });

  it('counts a failed query and rethrows its error', async () => {
    await expect(
      timed('TestRepository.failing', () => Promise.reject(new Error('boom'))),
    ).rejects.toThrow('boom');
    const { values } = await dbQueryErrors.get();
    expect(values.find((v) => v.labels.method === 'TestRepository.failing')?.value).toBe(1);
  });

  it('logs a slow query with its method and parameters minus secrets', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    configureSlowQueryThreshold(5);
    const key = 'mdw_' + 'k'.repeat(40);
    await timed('TestRepository.slow', () => new Promise((resolve) => setTimeout(resolve, 20)), [
      'AAPL',
      key,
    ]);
    expect(warn).toHaveBeenCalledTimes(1);
    const [entry] = warn.mock.calls[0] as [Record<string, unknown>];
    expect(entry).toMatchObject({
      msg: 'slow query',
      method: 'TestRepository.slow',
      thresholdMs: 5,
      params: ['AAPL', '[redacted]'],
    });
    expect(JSON.stringify(entry)).not.toContain(key);
  });

  it('does not log a query under the threshold', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    configureSlowQueryThreshold(60_000);
    await timed('TestRepository.fast', async () => 1, ['x']);
    expect(warn).not.toHaveBeenCalled();
  });
});
