import { InvalidInputError } from '../common/domain-error';
import { runStatus } from './backfill-runner.service';
import { parseBackfillInput } from './backfill-runs.service';
import { nextDailyRun } from './backfill-status.service';
import type { SeriesOutcome } from './series-worker';

const outcome = (status: SeriesOutcome['status']): SeriesOutcome => ({
  status,
  fetched: 0,
  written: 0,
  rejected: 0,
  gaps: 0,
  error: null,
  warnings: [],
});

describe('backfill input', () => {
  it('reads dates as UTC days with an inclusive end', () => {
    expect(parseBackfillInput({ from: '2024-01-02', to: '2024-01-05', symbols: ['aapl'] })).toEqual(
      {
        symbols: ['AAPL'],
        timeframes: undefined,
        from: new Date('2024-01-02T00:00:00.000Z'),
        to: new Date('2024-01-05T23:59:59.999Z'),
      },
    );
  });

  it('accepts instants', () => {
    const parsed = parseBackfillInput({ from: '2024-01-02T14:30:00Z' });
    expect(parsed.from).toEqual(new Date('2024-01-02T14:30:00Z'));
    expect(parsed.to).toBeUndefined();
  });

  it('rejects a start after the end and impossible dates, naming each field', () => {
    expect(() => parseBackfillInput({ from: '2024-01-06', to: '2024-01-05' })).toThrow(
      InvalidInputError,
    );
    try {
      parseBackfillInput({ from: '2024-02-30', to: 'soon' });
    } catch (error) {
      expect((error as InvalidInputError).errors?.map((e) => e.field)).toEqual(['from', 'to']);
    }
    expect(() => parseBackfillInput({ from: '2024-02-30' })).toThrow(/from/);
  });
});

describe('run status', () => {
  it('is partial when some series failed and failed when all did', () => {
    expect(runStatus([outcome('succeeded'), outcome('succeeded')], false)).toBe('succeeded');
    expect(runStatus([outcome('succeeded'), outcome('failed')], false)).toBe('partial');
    expect(runStatus([outcome('failed'), outcome('failed')], false)).toBe('failed');
    expect(runStatus([outcome('succeeded')], true)).toBe('interrupted');
    expect(runStatus([], false)).toBe('succeeded');
  });
});

describe('next scheduled run', () => {
  it('is later today when the time has not passed, else tomorrow (UTC)', () => {
    expect(nextDailyRun(new Date('2024-05-01T01:59:00Z'), 2, 0)).toEqual(
      new Date('2024-05-01T02:00:00Z'),
    );
    expect(nextDailyRun(new Date('2024-05-01T02:00:00Z'), 2, 0)).toEqual(
      new Date('2024-05-02T02:00:00Z'),
    );
    expect(nextDailyRun(new Date('2024-12-31T23:30:00Z'), 23, 15)).toEqual(
      new Date('2025-01-01T23:15:00Z'),
    );
  });
});
