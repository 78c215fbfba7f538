/**
 * The admin key the user typed, kept in this tab's sessionStorage only: gone when the tab
 * closes, never in the URL, localStorage, a cookie or a log line.
 */
const STORAGE_KEY = 'mdw.adminKey';

export function readAdminKey(storage: Storage = sessionStorage): string | null {
  return storage.getItem(STORAGE_KEY);
}

export function saveAdminKey(key: string, storage: Storage = sessionStorage): void {
  storage.setItem(STORAGE_KEY, key.trim());
}

export function forgetAdminKey(storage: Storage = sessionStorage): void {
  storage.removeItem(STORAGE_KEY);
}

/** What a key must look like (API.md): `mdw_` and at least 32 base62 characters. */
export function looksLikeApiKey(value: string): boolean {
  return /^mdw_[A-Za-z0-9]{32,}$/.test(value.trim());
}
