/** Whether a request URL (path and query) is under /api, where every response is rate limited. */
export function isApiPath(url: string): boolean {
  return url === '/api' || url.startsWith('/api/') || url.startsWith('/api?');
}
