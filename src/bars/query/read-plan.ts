import type { BarsSelection } from './selection';
import { pageBarsBound } from './sql/pieces';

/** Pages that can hold up to this many bars come back as one row. */
export const SINGLE_ROW_MAX_BARS = 2000;

/** How the single-symbol statement returns a page. */
export type PageShape = 'one-row' | 'chunked';

/** The shape for a selection: chunked when its page can hold more than SINGLE_ROW_MAX_BARS. */
export function pageShapeOf(sel: BarsSelection): PageShape {
  return pageBarsBound(sel) > SINGLE_ROW_MAX_BARS ? 'chunked' : 'one-row';
}
