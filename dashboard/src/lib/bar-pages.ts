import type { Bar, BarsPage } from '../api/types';

/** Most bars one chart loads; past it the chart says so and asks for a narrower range. */
export const MAX_CHART_BARS = 100_000;
/** Bars asked for per request (the API's default page; its maximum is 50,000). */
export const PAGE_SIZE = 5_000;

export interface LoadedBars {
  bars: Bar[];
  pages: number;
  /** True when MAX_CHART_BARS stopped the paging before the range's end. */
  truncated: boolean;
}

/**
 * Follows `nextCursor` until the range is exhausted (or the cap is reached), so a long range
 * is drawn whole, page after page. `onPage` lets the chart show progress.
 */
export async function loadAllPages(
  fetchPage: (cursor: string | undefined) => Promise<BarsPage>,
  onPage?: (loaded: number) => void,
  maxBars = MAX_CHART_BARS,
): Promise<LoadedBars> {
  const bars: Bar[] = [];
  let cursor: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await fetchPage(cursor);
    pages++;
    bars.push(...page.bars);
    onPage?.(bars.length);
    if (!page.nextCursor) return { bars, pages, truncated: false };
    if (bars.length >= maxBars) return { bars, pages, truncated: true };
    cursor = page.nextCursor;
  }
}
