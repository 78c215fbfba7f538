import { InvalidInputError } from '../common/domain-error';
import { BackfillPlanner, DEFAULT_LOOKBACK_DAYS } from './backfill-planner';
import type {
  BackfillSeriesRepository,
  TrackedSymbolRow,
  WatermarkRow,
} from './backfill-series.repository';

const NOW = new Date('2024-06-03T12:00:00Z');

function planner(symbols: TrackedSymbolRow[], watermarks: WatermarkRow[] = []): BackfillPlanner {
  const repository = {
    findSymbolsToBackfill: async (named: string[] | null) =>
      named ? symbols.filter((s) => named.includes(s.symbol)) : symbols.filter((s) => s.active),
    findWatermarks: async () => watermarks,
  } as unknown as BackfillSeriesRepository;
  return new BackfillPlanner(repository);
}

const aapl: TrackedSymbolRow = {
  symbol: 'AAPL',
  asset_class: 'stocks',
  exchange: 'XNAS',
  timeframes: ['1m', '1d'],
  backfill_from: null,
  active: true,
};

describe('backfill planner', () => {
  it('starts a series never written at the default lookback', async () => {
    const plan = await planner([aapl]).plan({}, NOW);
    expect(plan.map((s) => [s.timeframe, s.from.toISOString(), s.to])).toEqual([
      ['1d', new Date(NOW.getTime() - DEFAULT_LOOKBACK_DAYS['1d'] * 86_400_000).toISOString(), NOW],
      ['1m', new Date(NOW.getTime() - 30 * 86_400_000).toISOString(), NOW],
    ]);
  });

  it("starts at the symbol's backfill_from when it has one", async () => {
    const plan = await planner([{ ...aapl, backfill_from: '2020-01-02' }]).plan({}, NOW);
    expect(plan[0].from).toEqual(new Date('2020-01-02T00:00:00Z'));
  });

  it('resumes each series at its last stored bar', async () => {
    const last = new Date('2024-05-31T04:00:00Z');
    const plan = await planner(
      [aapl],
      [{ symbol: 'AAPL', timeframe: '1d', last_bar_at: last, covered_to: last }],
    ).plan({ timeframes: ['1d'] }, NOW);
    expect(plan).toEqual([
      expect.objectContaining({ timeframe: '1d', from: last, to: NOW, status: 'pending' }),
    ]);
  });

  it('lets an explicit window win and skips an empty one', async () => {
    const plan = await planner([aapl]).plan(
      { from: new Date('2024-07-01T00:00:00Z'), timeframes: ['1d'] },
      NOW,
    );
    expect(plan[0].status).toBe('skipped');
  });

  it('rejects unknown symbols, naming all of them', async () => {
    await expect(planner([aapl]).plan({ symbols: ['AAPL', 'NOPE', 'ZZZ'] }, NOW)).rejects.toThrow(
      InvalidInputError,
    );
    await expect(planner([aapl]).plan({ symbols: ['NOPE', 'ZZZ'] }, NOW)).rejects.toThrow(
      /NOPE, ZZZ/,
    );
  });

  it('leaves inactive symbols out unless named', async () => {
    const inactive = { ...aapl, symbol: 'OLD', active: false };
    expect(await planner([inactive]).plan({}, NOW)).toEqual([]);
    expect(await planner([inactive]).plan({ symbols: ['OLD'] }, NOW)).toHaveLength(2);
  });
});
