/** Corporate actions as the warehouse stores and serves them (and providers report them). */

/**
 * A change of the share count: `splitFrom` old shares became `splitTo` new ones before the open
 * of `executionDate` (exchange-local; pre-market trading that day is already on the new basis).
 * `adjustmentType` as Massive classifies it: `forward_split`, `reverse_split` or
 * `stock_dividend` (shares paid as a dividend: adjusted exactly like a split).
 */
export interface Split {
  executionDate: string; // YYYY-MM-DD
  splitFrom: number;
  splitTo: number;
  adjustmentType: string;
}

/**
 * A cash distribution per share, in `currency`, as declared (not adjusted for later splits).
 * `distributionType` as Massive classifies it: `recurring`, `special`, `supplemental`,
 * `irregular` or `unknown`.
 */
export interface CashDividend {
  exDividendDate: string; // YYYY-MM-DD
  payDate: string | null;
  recordDate: string | null;
  declarationDate: string | null;
  cashAmount: number;
  currency: string;
  distributionType: string;
  frequency: number | null;
}
