/**
 * The layering of src/, checked by `npm run lint` (dependency-cruiser on the resolved imports).
 *
 * - Base folders (`market`: the shared market vocabulary; `common`, `config`, `database`:
 *   infrastructure) import no feature.
 * - A feature imports another feature only through what that feature exports: its `index.ts`.
 * - `backfill` (writing bars) never imports `bars` (reading them); they meet on the
 *   series-changed signal in `common`.
 * - No import cycles.
 * The composition roots (src/*.ts: main, app module, createApp, CLI entry) may import anything.
 */
const BASE = '(market|common|config|database)';
const FEATURE =
  '(api-keys|backfill|bars|calendar|cli|corporate-actions|dashboard|health|metrics|quality|rate-limit|retention|status|symbols)';

module.exports = {
  forbidden: [
    {
      name: 'base-imports-no-feature',
      comment: 'market/, common/, config/ and database/ are below every feature: they import none.',
      severity: 'error',
      from: { path: `^src/${BASE}/` },
      to: { path: `^src/${FEATURE}/` },
    },
    {
      name: 'feature-through-its-index',
      comment:
        'A feature imports another feature only through what it exports (src/<feature>/index.ts).',
      severity: 'error',
      from: { path: `^src/${FEATURE}/` },
      to: { path: `^src/${FEATURE}/`, pathNot: ['^src/$1/', `^src/${FEATURE}/index\\.ts$`] },
    },
    {
      name: 'backfill-never-imports-bars',
      comment: 'Writers do not know readers: changes travel on SeriesChanges (src/common).',
      severity: 'error',
      from: { path: '^src/backfill/' },
      to: { path: '^src/bars/' },
    },
    {
      name: 'no-cycles',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    exclude: { path: '\\.spec\\.ts$' },
  },
};
