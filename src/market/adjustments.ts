/**
 * How bar prices and volumes are adjusted for corporate actions (docs/adjustments.md): `raw` as
 * traded, `split` for splits, `dividend` for cash dividends, `all` for both.
 */
export const ADJUSTMENTS = ['raw', 'split', 'dividend', 'all'] as const;
export type Adjustment = (typeof ADJUSTMENTS)[number];
