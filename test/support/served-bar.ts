/** A bar as the API serves it in JSON (what e2e specs read back from a page). */
export interface ServedBar {
  timestamp: string;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  vwap: number | null;
  trades: number | null;
}
