import { BarWriter } from '../../../src/backfill/bar-writer';
import type { ProviderBar } from '../../../src/backfill/providers/market-data-provider';
import { VALIDATED_THRESHOLD } from '../../../src/quality/bar-quality.rules';
import { startTestApp, TestApp } from '../../support/test-app';

const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 2, 5);

function dailyBars(count: number, from = START): ProviderBar[] {
  return Array.from({ length: count }, (_, i) => ({
    ts: from + i * DAY,
    open: 100 + i,
    high: 102.5 + i,
    low: 99.25 + i,
    close: 101 + i,
    volume: 1_000_000 + i,
    vwap: 100.75 + i,
    trades: 5000 + i,
  }));
}

describe('bar writer', () => {
  let t: TestApp;
  let writer: BarWriter;

  beforeAll(async () => {
    t = await startTestApp();
    writer = t.app.get(BarWriter);
  });
  afterAll(() => t.close());

  it('stores a batch exactly as received and advances the watermark', async () => {
    const bars = dailyBars(20);
    const result = await writer.writeBatch({ symbol: 'WRT', timeframe: '1d' }, bars, {
      source: 'polygon',
    });
    expect(result.written).toBe(20);
    const rows = await t.dataSource.query(
      `SELECT (extract(epoch from ts) * 1000)::bigint AS ts, open, high, low, close, volume, vwap,
              trades, source, validated, quality_score, flags
         FROM bars WHERE symbol = 'WRT' AND timeframe = '1d' ORDER BY ts`,
    );
    expect(rows).toHaveLength(20);
    expect(rows[3]).toEqual({
      ts: String(bars[3].ts),
      open: 103,
      high: 105.5,
      low: 102.25,
      close: 104,
      volume: 1_000_003,
      vwap: 103.75,
      trades: '5003',
      source: 'polygon',
      validated: true,
      quality_score: 1,
      flags: [],
    });
    const [watermark] = await t.dataSource.query(
      `SELECT last_bar_at, covered_to FROM series_watermarks WHERE symbol = 'WRT'`,
    );
    expect(watermark.last_bar_at.getTime()).toBe(bars[19].ts);
    expect(watermark.covered_to.getTime()).toBe(bars[19].ts);
  });

  it('writes nothing when the same batch arrives again', async () => {
    const result = await writer.writeBatch({ symbol: 'WRT', timeframe: '1d' }, dailyBars(20), {
      source: 'polygon',
    });
    expect(result.written).toBe(0);
  });

  it('counts only the bars whose data changed', async () => {
    const bars = dailyBars(20);
    bars[5] = { ...bars[5], close: 104.5 };
    bars[6] = { ...bars[6], vwap: null };
    const result = await writer.writeBatch({ symbol: 'WRT', timeframe: '1d' }, bars, {
      source: 'polygon',
    });
    expect(result.written).toBe(2);
    const [row] = await t.dataSource.query(
      `SELECT close, vwap FROM bars WHERE symbol = 'WRT' AND ts = $1`,
      [new Date(bars[6].ts)],
    );
    expect(row).toEqual({ close: 107, vwap: null });
  });

  it('flags and stores a bar that breaks the OHLC rules as not validated', async () => {
    const [bar] = dailyBars(1, START + 40 * DAY);
    const broken = { ...bar, high: bar.open - 1 };
    await writer.writeBatch({ symbol: 'WRT', timeframe: '1d' }, [broken], { source: 'polygon' });
    const [row] = await t.dataSource.query(
      `SELECT validated, quality_score, flags FROM bars WHERE symbol = 'WRT' AND ts = $1`,
      [new Date(broken.ts)],
    );
    expect(row.validated).toBe(false);
    expect(row.quality_score).toBeLessThan(VALIDATED_THRESHOLD);
    expect(row.flags).toContain('high_below_open_close');
  });

  it('keeps the last of two bars with the same timestamp in one batch', async () => {
    const [bar] = dailyBars(1, START + 60 * DAY);
    const result = await writer.writeBatch(
      { symbol: 'DUP', timeframe: '1d' },
      [bar, { ...bar, close: 101.5 }],
      { source: 'csv' },
    );
    expect(result.written).toBe(1);
    const [row] = await t.dataSource.query(`SELECT close FROM bars WHERE symbol = 'DUP'`);
    expect(row.close).toBe(101.5);
  });

  it('sends a bars_changed notification when a batch changes a series', async () => {
    const connection = t.dataSource.createQueryRunner();
    const client = (await connection.connect()) as import('pg').PoolClient;
    const notes: string[] = [];
    client.on('notification', (message) => notes.push(`${message.channel}/${message.payload}`));
    await client.query('LISTEN bars_changed');
    try {
      await writer.writeBatch({ symbol: 'NTF', timeframe: '1m' }, dailyBars(3), {
        source: 'polygon',
      });
      await client.query('SELECT 1');
      for (let i = 0; i < 50 && notes.length === 0; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(notes).toEqual(['bars_changed/NTF:1m']);
    } finally {
      await client.query('UNLISTEN bars_changed');
      await connection.release();
    }
  });

  it('falls back to the upsert when another writer appends the same bars concurrently', async () => {
    const bars = dailyBars(5, START + 100 * DAY);
    const other = t.dataSource.createQueryRunner();
    await other.connect();
    await other.startTransaction();
    try {
      // Another process inserts the third bar and has not committed yet.
      await other.query(
        `INSERT INTO bars (symbol, timeframe, ts, open, high, low, close, volume, vwap, trades,
                           source, quality_score, flags, validated)
         VALUES ('RACE', '1d', $1, $2, $3, $4, $5, $6, $7, $8, 'polygon', 1, '{}', true)`,
        [
          new Date(bars[2].ts),
          bars[2].open,
          bars[2].high,
          bars[2].low,
          bars[2].close,
          bars[2].volume,
          bars[2].vwap,
          bars[2].trades,
        ],
      );
      const write = writer.writeBatch({ symbol: 'RACE', timeframe: '1d' }, bars, {
        source: 'polygon',
      });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await other.commitTransaction();
      expect(await write).toEqual({ written: 4 });
    } finally {
      await other.release();
    }
    const [{ n }] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM bars WHERE symbol = 'RACE'`,
    );
    expect(n).toBe(5);
  });
});
