import { InitialSchema1732000000000 } from './1732000000000-initial-schema';
import { TimescaleHypertable1732000000001 } from './1732000000001-timescale-hypertable';
import { BackfillRejectedBars1732000000019 } from './1732000000019-backfill-rejected-bars';
import { TimescaleColumnstore1732000000020 } from './1732000000020-timescale-columnstore';
import { CorporateActionsMassive1732000000021 } from './1732000000021-corporate-actions-massive';
import { ProductAggregate1732000000022 } from './1732000000022-product-aggregate';
import { RetentionRuns1732000000023 } from './1732000000023-retention-runs';

/**
 * Every migration, in order. Listed explicitly (not globbed) so the same list works from
 * TypeScript in tests and from compiled JavaScript in dist/. Add new ones at the end; never edit
 * one that has landed.
 */
export const ALL_MIGRATIONS = [
  InitialSchema1732000000000,
  TimescaleHypertable1732000000001,
  BackfillRejectedBars1732000000019,
  TimescaleColumnstore1732000000020,
  CorporateActionsMassive1732000000021,
  ProductAggregate1732000000022,
  RetentionRuns1732000000023,
];
