import type { Adjustment } from '../../market/adjustments';
import type { Timeframe } from '../../market/timeframes';

/**
 * What a bar read asks for, resolved and validated (BarQueryResolver): the input of every
 * statement builder in `sql/` and of the read plan. Values here reach SQL only as parameters.
 */
export interface BarsSelection {
  /** One symbol (single-symbol endpoint) or several (multi). */
  symbols: string[];
  timeframe: Timeframe;
  startIso: string;
  endExclusiveIso: string;
  sort: 'asc' | 'desc';
  validatedOnly: boolean;
  minQuality?: number;
  includeQuality: boolean;
  /** Prices and volumes adjusted for corporate actions (sql/adjustment.ts); none: raw. */
  adjustment?: Exclude<Adjustment, 'raw'>;
  /** Keyset position: strictly after this bucket (in sort order). */
  after?: { bucketIso: string; symbol?: string };
  /** Rows wanted; the statement fetches one more to know whether another page exists. */
  limit?: number;
  /**
   * Second half of a page read in two halves (single symbol, stored timeframe): the page starts
   * after the first `skip` bars of the selection, and the statement reports the `skip`-th bar's
   * time (`seam_micros`) so that the caller can check both halves saw the same bars.
   */
  skip?: number;
}
