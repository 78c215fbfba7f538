/**
 * Removes credentials from anything that may end up in a log line or an error message: the
 * `apiKey` query parameter (Polygon's style), `Authorization` bearer tokens, and the key's literal
 * value wherever it appears.
 */
export function scrubSecrets(text: string, secret?: string): string {
  let result = text
    .replace(/([?&]apiKey=)[^&#\s"']*/gi, '$1REDACTED')
    .replace(/(Bearer\s+)[A-Za-z0-9._~+/=-]+/gi, '$1REDACTED');
  if (secret && secret.length > 0) result = result.split(secret).join('REDACTED');
  return result;
}

/** A URL without its query string: enough to say which call failed, nothing secret. */
export function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return scrubSecrets(url.split('?')[0]);
  }
}
