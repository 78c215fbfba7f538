import { ApiError, NetworkError, parseRetryAfter, type Problem } from './problem';

/**
 * The one place the dashboard talks HTTP. Same origin as the page (the API serves the dashboard
 * at /dashboard/, nginx proxies /api next to it), JSON in and out, problem+json errors turned
 * into ApiError, transport failures into NetworkError. A 429 waits for Retry-After and tries
 * again (telling the page, which shows "rate limited, retrying in N s").
 */
export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Record<string, string | number | boolean | null | undefined>;
  body?: unknown;
  /** Sent as X-API-Key; never put in the URL. */
  apiKey?: string | null;
  signal?: AbortSignal;
}

export interface RateLimitListener {
  (event: { retryAt: number; seconds: number } | null): void;
}

/** How often a rate-limited request is retried before the error reaches the caller. */
export const MAX_RATE_LIMIT_RETRIES = 3;
/** Used when a 429 carries no usable Retry-After. */
const DEFAULT_RETRY_SECONDS = 5;

const listeners = new Set<RateLimitListener>();

export function onRateLimited(listener: RateLimitListener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function buildUrl(path: string, query: RequestOptions['query'] = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '') params.set(name, String(value));
  }
  const search = params.toString();
  return search ? `${path}?${search}` : path;
}

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const url = buildUrl(path, options.query);
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.apiKey) headers['X-API-Key'] = options.apiKey;
  for (let attempt = 0; ; attempt++) {
    let response: Response;
    try {
      response = await fetch(url, {
        method: options.method ?? 'GET',
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        signal: options.signal,
        // Revalidate (ETag) instead of trusting max-age: panels poll for current figures.
        cache: 'no-cache',
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      throw new NetworkError(path);
    }
    if (response.status === 429 && attempt < MAX_RATE_LIMIT_RETRIES) {
      const seconds = parseRetryAfter(response.headers.get('Retry-After')) ?? DEFAULT_RETRY_SECONDS;
      await waitForRetry(seconds, options.signal);
      continue;
    }
    if (!response.ok) throw await toApiError(response);
    if (response.status === 202 || response.status === 204) {
      const text = await response.text();
      return (text ? JSON.parse(text) : undefined) as T;
    }
    return (await response.json()) as T;
  }
}

async function waitForRetry(seconds: number, signal?: AbortSignal): Promise<void> {
  const retryAt = Date.now() + seconds * 1000;
  listeners.forEach((listener) => listener({ retryAt, seconds }));
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, seconds * 1000);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      });
    });
  } finally {
    listeners.forEach((listener) => listener(null));
  }
}

async function toApiError(response: Response): Promise<ApiError> {
  let problem: Problem | null = null;
  try {
    const body: unknown = await response.json();
    if (body && typeof body === 'object') problem = body;
  } catch {
    // Not JSON (a proxy's HTML error page): the status alone has to do.
  }
  return new ApiError(
    response.status,
    problem,
    parseRetryAfter(response.headers.get('Retry-After')),
  );
}
