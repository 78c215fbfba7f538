/**
 * Every statement shape the bar read path can produce, rendered from the SQL builders with fixed
 * inputs. `npm run sql:snapshots` writes them to the committed `.sql` files beside this one and
 * `sql-snapshots.spec.ts` fails when those files differ from what the builders produce now, so a
 * change to the read path's SQL shows up as a diff in review.
 */
import {
  BarsSelection,
  multiJsonSql,
  pageShapeOf,
  singleCsvCopySql,
  singleJsonSql,
} from '../../src/bars/bars-sql';
import { Timeframe, TIMEFRAMES } from '../../src/bars/timeframes';

interface Shape {
  label: string;
  sql: string;
  params: string[];
}

const SORTS = ['asc', 'desc'] as const;
/** One stored timeframe of each base, and one aggregation of each kind. */
const REPRESENTATIVE: Timeframe[] = ['1m', '1d', '5m', '4h', '1w', '1mo'];

function selection(overrides: Partial<BarsSelection>): BarsSelection {
  return {
    symbols: ['AAPL'],
    timeframe: '1m',
    startIso: '2024-01-02T00:00:00.000Z',
    endExclusiveIso: '2024-03-01T00:00:00.000Z',
    sort: 'asc',
    validatedOnly: false,
    includeQuality: false,
    limit: 100,
    ...overrides,
  };
}

/** The query-shaping options besides timeframe and sort, one at a time and all together. */
const FILTERS: [string, Partial<BarsSelection>][] = [
  ['plain', {}],
  ['validatedOnly', { validatedOnly: true }],
  ['minQuality', { minQuality: 0.5 }],
  ['include=quality', { includeQuality: true }],
  ['cursor', { after: { bucketIso: '2024-01-05T14:30:00.000Z' } }],
  [
    'all filters + cursor',
    {
      validatedOnly: true,
      minQuality: 0.5,
      includeQuality: true,
      after: { bucketIso: '2024-01-05T14:30:00.000Z' },
    },
  ],
];

const describe = (tf: Timeframe, sort: string, what: string): string => `${tf} ${sort} ${what}`;

function singlePages(): Shape[] {
  const shapes: Shape[] = [];
  const add = (label: string, sel: BarsSelection): void => {
    shapes.push({ label, ...singleJsonSql(sel, pageShapeOf(sel)) });
  };
  for (const tf of TIMEFRAMES) {
    for (const sort of SORTS)
      add(describe(tf, sort, 'limit 100'), selection({ timeframe: tf, sort }));
  }
  for (const tf of REPRESENTATIVE) {
    for (const sort of SORTS) {
      for (const [name, filter] of FILTERS.slice(1)) {
        add(describe(tf, sort, name), selection({ timeframe: tf, sort, ...filter }));
      }
    }
  }
  return shapes;
}

function pieces(): Shape[] {
  const shapes: Shape[] = [];
  for (const tf of REPRESENTATIVE) {
    for (const sort of SORTS) {
      for (const limit of [501, 1000, 2000]) {
        const sel = selection({
          timeframe: tf,
          sort,
          limit,
          startIso: '2020-01-01T00:00:00.000Z',
          endExclusiveIso: '2025-01-01T00:00:00.000Z',
        });
        shapes.push({
          label: describe(tf, sort, `limit ${limit}`),
          ...singleJsonSql(sel, 'one-row'),
        });
      }
    }
  }
  const filtered = selection({ limit: 1000, ...FILTERS[FILTERS.length - 1][1] });
  shapes.push({
    label: '1m asc limit 1000, all filters + cursor',
    ...singleJsonSql(filtered, 'one-row'),
  });
  return shapes;
}

function halves(): Shape[] {
  const shapes: Shape[] = [];
  for (const tf of ['1m', '1d'] as Timeframe[]) {
    for (const sort of SORTS) {
      for (const limit of [1000, 2000]) {
        const half = limit / 2;
        const base = selection({ timeframe: tf, sort, limit: half });
        shapes.push({
          label: describe(tf, sort, `first half of ${limit}`),
          ...singleJsonSql(base, 'one-row'),
        });
        shapes.push({
          label: describe(tf, sort, `second half of ${limit}`),
          ...singleJsonSql({ ...base, skip: half }, 'one-row'),
        });
      }
    }
  }
  const filtered = selection({ limit: 500, skip: 500, ...FILTERS[FILTERS.length - 1][1] });
  shapes.push({
    label: '1m asc second half of 1000, all filters + cursor',
    ...singleJsonSql(filtered, 'one-row'),
  });
  return shapes;
}

function streamed(): Shape[] {
  const shapes: Shape[] = [];
  for (const tf of REPRESENTATIVE) {
    for (const sort of SORTS) {
      const sel = selection({
        timeframe: tf,
        sort,
        limit: 10_000,
        startIso: '2000-01-01T00:00:00.000Z',
        endExclusiveIso: '2025-01-01T00:00:00.000Z',
      });
      shapes.push({
        label: describe(tf, sort, `limit 10000 (${pageShapeOf(sel)})`),
        ...singleJsonSql(sel, pageShapeOf(sel)),
      });
    }
  }
  const filtered = selection({ limit: 10_000, ...FILTERS[FILTERS.length - 1][1] });
  shapes.push({
    label: '1m asc limit 10000, all filters + cursor',
    ...singleJsonSql(filtered, 'chunked'),
  });
  return shapes;
}

function multi(): Shape[] {
  const shapes: Shape[] = [];
  const symbols = ['AAPL', 'MSFT'];
  for (const tf of TIMEFRAMES) {
    for (const sort of SORTS) {
      shapes.push({
        label: describe(tf, sort, 'limit 100'),
        ...multiJsonSql(selection({ symbols, timeframe: tf, sort })),
      });
    }
  }
  for (const tf of REPRESENTATIVE) {
    for (const sort of SORTS) {
      for (const [name, filter] of FILTERS.slice(1)) {
        const after = filter.after && { ...filter.after, symbol: 'AAPL' };
        shapes.push({
          label: describe(tf, sort, name),
          ...multiJsonSql(selection({ symbols, timeframe: tf, sort, ...filter, after })),
        });
      }
    }
  }
  return shapes;
}

function csv(): Shape[] {
  const shapes: Shape[] = [];
  for (const tf of TIMEFRAMES) {
    for (const sort of SORTS) {
      shapes.push({
        label: describe(tf, sort, 'no limit'),
        ...singleCsvCopySql(selection({ timeframe: tf, sort, limit: undefined })),
      });
    }
  }
  for (const tf of REPRESENTATIVE) {
    for (const sort of SORTS) {
      shapes.push({
        label: describe(tf, sort, 'limit 100'),
        ...singleCsvCopySql(selection({ timeframe: tf, sort })),
      });
      for (const [name, filter] of FILTERS.slice(1)) {
        shapes.push({
          label: describe(tf, sort, `no limit, ${name}`),
          ...singleCsvCopySql(selection({ timeframe: tf, sort, limit: undefined, ...filter })),
        });
      }
    }
  }
  return shapes;
}

/** One entry per distinct statement text, headed by every shape that produces it. */
function file(title: string, shapes: Shape[]): string {
  const byText = new Map<string, Shape[]>();
  for (const shape of shapes) byText.set(shape.sql, [...(byText.get(shape.sql) ?? []), shape]);
  const entries = [...byText].map(([sql, same]) => {
    const heads = same.map(({ label, params }) => `-- ${label}: ${JSON.stringify(params)}`);
    return `${heads.join('\n')}\n${sql};\n`;
  });
  return `-- ${title} (shape: params)\n-- Generated by \`npm run sql:snapshots\`; do not edit.\n\n${entries.join('\n')}`;
}

/** File name → content, for every snapshot file. */
export function renderSqlSnapshots(): Map<string, string> {
  return new Map([
    ['single-page.sql', file('Single-symbol JSON page, one statement', singlePages())],
    ['single-page-pieces.sql', file('Single-symbol JSON page in pieces of 500 bars', pieces())],
    ['single-page-halves.sql', file('Single-symbol JSON page read in two halves', halves())],
    [
      'single-page-streamed.sql',
      file('Single-symbol JSON page streamed from a binary COPY', streamed()),
    ],
    ['multi-page.sql', file('Multi-symbol JSON page', multi())],
    ['csv.sql', file('Single-symbol CSV export (COPY)', csv())],
  ]);
}
