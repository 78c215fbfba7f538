/**
 * Every statement shape the bar read path can produce, rendered through the read plan and the
 * SQL builders with fixed inputs. `npm run sql:snapshots` writes them to the committed `.sql`
 * files beside this one and `sql-snapshots.spec.ts` fails when those files differ from what the
 * builders produce now, so a change to the read path's SQL shows up as a diff in review.
 */
import {
  ColumnsPlan,
  planColumnsRead,
  PlanContext,
  planMultiRead,
  planPageRead,
  ReadPlan,
} from '../../src/bars/query/read-plan';
import type { BarsSelection } from '../../src/bars/query/selection';
import { csvSql } from '../../src/bars/query/sql/csv';
import { csvVersionSql, knownSymbolsSql, latestBarSql } from '../../src/bars/query/sql/lookups';
import type { BuiltSql } from '../../src/bars/query/sql/params';
import { Timeframe, TIMEFRAMES } from '../../src/market/timeframes';

interface Shape extends BuiltSql {
  label: string;
}

const SORTS = ['asc', 'desc'] as const;
/** One stored timeframe of each base, and one aggregation of each kind. */
const REPRESENTATIVE: Timeframe[] = ['1m', '1d', '5m', '4h', '1w', '1mo'];
const ALONE: PlanContext = { spareConnections: 0, disabled: new Set() };
const SPARE: PlanContext = { spareConnections: 2, disabled: new Set() };

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
const ALL_FILTERS = FILTERS[FILTERS.length - 1][1];

const describe = (tf: Timeframe, sort: string, what: string): string => `${tf} ${sort} ${what}`;

/** Every statement of a plan, its fallbacks included, labelled by their role. */
function statementsOf(label: string, plan: ReadPlan): Shape[] {
  const own: Shape[] =
    plan.kind === 'halves'
      ? [
          { label: `${label} [first half]`, ...plan.first },
          { label: `${label} [second half]`, ...plan.second },
        ]
      : [{ label: `${label} [${plan.kind}]`, ...plan.statement }];
  const fallback = plan.fallback
    ? statementsOf(
        `${label} → ${plan.kind === 'halves' ? 'seam moved' : 'bound cut short'}`,
        plan.fallback,
      )
    : [];
  return [...own, ...fallback];
}

const single = (label: string, sel: BarsSelection, context = ALONE): Shape[] =>
  statementsOf(label, planPageRead(sel, context));

function singlePages(): Shape[] {
  const shapes: Shape[] = [];
  for (const tf of TIMEFRAMES) {
    for (const sort of SORTS) {
      shapes.push(...single(describe(tf, sort, 'limit 100'), selection({ timeframe: tf, sort })));
      shapes.push(
        ...single(
          describe(tf, sort, 'limit 100, a range that cannot fill it'),
          selection({ timeframe: tf, sort, endExclusiveIso: '2024-01-02T02:00:00.000Z' }),
        ),
      );
    }
  }
  for (const tf of REPRESENTATIVE) {
    for (const sort of SORTS) {
      for (const [name, filter] of FILTERS.slice(1)) {
        shapes.push(
          ...single(describe(tf, sort, name), selection({ timeframe: tf, sort, ...filter })),
        );
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
        shapes.push(...single(describe(tf, sort, `limit ${limit}`), sel));
      }
    }
  }
  shapes.push(
    ...single(
      '1m asc limit 1000, all filters + cursor',
      selection({ limit: 1000, ...ALL_FILTERS }),
    ),
  );
  return shapes;
}

function halves(): Shape[] {
  const shapes: Shape[] = [];
  for (const tf of ['1m', '1d'] as Timeframe[]) {
    for (const sort of SORTS) {
      for (const limit of [1000, 2000]) {
        shapes.push(
          ...single(
            describe(tf, sort, `limit ${limit}`),
            selection({ timeframe: tf, sort, limit }),
            SPARE,
          ),
        );
      }
    }
  }
  shapes.push(
    ...single(
      '1m asc limit 1000, all filters + cursor',
      selection({ limit: 1000, ...ALL_FILTERS }),
      SPARE,
    ),
  );
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
      shapes.push(...single(describe(tf, sort, 'limit 10000'), sel));
    }
  }
  shapes.push(
    ...single(
      '1m asc limit 10000, all filters + cursor',
      selection({ limit: 10_000, ...ALL_FILTERS }),
    ),
  );
  return shapes;
}

function multi(): Shape[] {
  const shapes: Shape[] = [];
  const symbols = ['AAPL', 'MSFT'];
  const add = (label: string, sel: BarsSelection): void => {
    shapes.push(...statementsOf(label, planMultiRead(sel, ALONE)));
  };
  for (const tf of TIMEFRAMES) {
    for (const sort of SORTS)
      add(describe(tf, sort, 'limit 100'), selection({ symbols, timeframe: tf, sort }));
  }
  for (const tf of REPRESENTATIVE) {
    for (const sort of SORTS) {
      for (const [name, filter] of FILTERS.slice(1)) {
        const after = filter.after && { ...filter.after, symbol: 'AAPL' };
        add(
          describe(tf, sort, name),
          selection({ symbols, timeframe: tf, sort, ...filter, after }),
        );
      }
      for (const limit of [1000, 50_000]) {
        add(
          describe(tf, sort, `limit ${limit}`),
          selection({ symbols, timeframe: tf, sort, limit }),
        );
      }
    }
  }
  return shapes;
}

function csv(): Shape[] {
  const shapes: Shape[] = [];
  const add = (label: string, sel: BarsSelection): void => {
    shapes.push({ label: `${label} [version]`, ...csvVersionSql(sel) });
    shapes.push({ label: `${label} [export]`, ...csvSql(sel) });
  };
  for (const tf of TIMEFRAMES) {
    for (const sort of SORTS)
      add(describe(tf, sort, 'no limit'), selection({ timeframe: tf, sort, limit: undefined }));
  }
  for (const tf of REPRESENTATIVE) {
    for (const sort of SORTS) {
      add(describe(tf, sort, 'limit 100'), selection({ timeframe: tf, sort }));
      for (const [name, filter] of FILTERS.slice(1)) {
        add(
          describe(tf, sort, `no limit, ${name}`),
          selection({ timeframe: tf, sort, limit: undefined, ...filter }),
        );
      }
    }
  }
  return shapes;
}

/** Typed columns (Arrow): pages, bounded pages and their fallback, exports; one and several symbols. */
function columns(): Shape[] {
  const shapes: Shape[] = [];
  const add = (label: string, sel: BarsSelection, multi: boolean): void => {
    let plan: ColumnsPlan | undefined = planColumnsRead(sel, multi);
    for (let role = ''; plan; plan = plan.fallback, role = ' → bound cut short') {
      shapes.push({ label: `${label}${role}`, ...plan.statement });
    }
  };
  const symbols = ['AAPL', 'MSFT'];
  for (const tf of REPRESENTATIVE) {
    for (const sort of SORTS) {
      add(describe(tf, sort, 'limit 100'), selection({ timeframe: tf, sort }), false);
      add(
        describe(tf, sort, 'no limit'),
        selection({ timeframe: tf, sort, limit: undefined }),
        false,
      );
      add(
        describe(tf, sort, 'several symbols, limit 100'),
        selection({ symbols, timeframe: tf, sort }),
        true,
      );
    }
  }
  add(
    '1m asc no limit, all filters + cursor',
    selection({ limit: undefined, ...ALL_FILTERS }),
    false,
  );
  add(
    '1m asc several symbols, all filters + cursor',
    selection({ symbols, ...ALL_FILTERS, after: { ...ALL_FILTERS.after!, symbol: 'AAPL' } }),
    true,
  );
  return shapes;
}

function lookups(): Shape[] {
  return [
    { label: 'known symbols', ...knownSymbolsSql(['AAPL', 'MSFT']) },
    ...TIMEFRAMES.map((tf) => ({ label: `latest ${tf}`, ...latestBarSql('AAPL', tf) })),
  ];
}

/** Adjusted reads: each adjustment through every kind of statement that reads bars. */
function adjusted(): Shape[] {
  const shapes: Shape[] = [];
  const wide = {
    startIso: '2000-01-01T00:00:00.000Z',
    endExclusiveIso: '2025-01-01T00:00:00.000Z',
  };
  for (const adjustment of ['split', 'dividend', 'all'] as const) {
    const label = (what: string): string => `${adjustment}: ${what}`;
    for (const tf of REPRESENTATIVE) {
      shapes.push(
        ...single(
          label(describe(tf, 'asc', 'limit 100')),
          selection({ timeframe: tf, adjustment }),
        ),
      );
    }
    shapes.push(
      ...single(
        label('1d desc all filters + cursor'),
        selection({ timeframe: '1d', sort: 'desc', adjustment, ...ALL_FILTERS }),
      ),
      ...single(label('1m asc limit 1000'), selection({ limit: 1000, adjustment })),
      ...single(label('1m asc limit 1000'), selection({ limit: 1000, adjustment }), SPARE),
      ...single(label('1m asc limit 10000'), selection({ limit: 10_000, adjustment, ...wide })),
      ...single(
        label('1h asc limit 10000'),
        selection({ timeframe: '1h', limit: 10_000, adjustment, ...wide }),
      ),
    );
    for (const tf of ['1m', '1w'] as Timeframe[]) {
      for (const limit of [100, 50_000]) {
        const sel = selection({ symbols: ['AAPL', 'MSFT'], timeframe: tf, limit, adjustment });
        shapes.push(
          ...statementsOf(
            label(`multi ${describe(tf, 'asc', `limit ${limit}`)}`),
            planMultiRead(sel, ALONE),
          ),
        );
      }
    }
    for (const tf of ['1d', '1h'] as Timeframe[]) {
      const sel = selection({ timeframe: tf, limit: undefined, adjustment });
      shapes.push({ label: label(`csv ${tf} [version]`), ...csvVersionSql(sel) });
      shapes.push({ label: label(`csv ${tf} [export]`), ...csvSql(sel) });
    }
    for (const tf of ['1m', '1d', '1h', '1w'] as Timeframe[]) {
      shapes.push({ label: label(`latest ${tf}`), ...latestBarSql('AAPL', tf, adjustment) });
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
    ['single-page.sql', file('Single-symbol JSON page', singlePages())],
    ['single-page-pieces.sql', file('Single-symbol JSON page in pieces of 500 bars', pieces())],
    [
      'single-page-halves.sql',
      file('Single-symbol JSON page with read connections to spare', halves()),
    ],
    [
      'single-page-streamed.sql',
      file('Single-symbol JSON page streamed from a binary COPY', streamed()),
    ],
    ['multi-page.sql', file('Multi-symbol JSON page', multi())],
    ['csv.sql', file('Single-symbol CSV export: version (ETag) and COPY', csv())],
    ['columns.sql', file('Typed columns (Arrow): binary COPY of typed rows', columns())],
    ['lookups.sql', file('Symbol existence and the latest bar', lookups())],
    ['adjusted.sql', file('Adjusted reads (split, dividend, all)', adjusted())],
  ]);
}
