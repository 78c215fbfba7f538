import { describe, expect, it } from 'vitest';

import { ApiError, NetworkError, parseRetryAfter } from '../api/problem';
import { describeError, rateLimitNotice } from './errors';

describe('error mapping', () => {
  it('lists a 400 field by field', () => {
    const view = describeError(
      new ApiError(400, {
        status: 400,
        detail: '2 invalid fields: from, timeframes',
        requestId: 'r-1',
        errors: [
          { field: 'from', message: 'must be a real date (YYYY-MM-DD) or an ISO-8601 instant' },
          { field: 'timeframes', message: 'each timeframe must be one of 1m, 1d' },
        ],
      }),
    );
    expect(view.message).toBe('Invalid request: 2 invalid fields: from, timeframes');
    expect(view.fields).toEqual({
      from: 'must be a real date (YYYY-MM-DD) or an ISO-8601 instant',
      timeframes: 'each timeframe must be one of 1m, 1d',
    });
    expect(view.requestId).toBe('r-1');
  });

  it('says what a refused key means', () => {
    expect(describeError(new ApiError(401, { detail: 'Unknown API key.' })).message).toBe(
      'The API key was refused: Unknown API key.',
    );
    expect(describeError(new ApiError(403, { detail: 'Needs admin.' })).message).toMatch(
      /may not do this/,
    );
  });

  it('names rate limits and unavailability with their Retry-After', () => {
    expect(describeError(new ApiError(429, { detail: 'Too many.' }, 7)).message).toBe(
      'Rate limited, retry in 7 s: Too many.',
    );
    expect(describeError(new ApiError(503, { detail: 'Database down.' }, 2)).message).toBe(
      'The API is unavailable, retry in 2 s: Database down.',
    );
  });

  it('reports server errors and non-JSON answers by status', () => {
    expect(describeError(new ApiError(500, { detail: 'Quote the requestId.' })).message).toBe(
      'The API failed (HTTP 500): Quote the requestId.',
    );
    expect(describeError(new ApiError(502, null)).message).toBe(
      'The API failed (HTTP 502): no details',
    );
  });

  it('tells a network failure apart from an HTTP error', () => {
    expect(describeError(new NetworkError('/api/v1/status')).message).toMatch(
      /Cannot reach the API/,
    );
    expect(describeError(new TypeError('boom')).message).toBe('Unexpected error: boom');
  });

  it('reads Retry-After as seconds or as a date', () => {
    expect(parseRetryAfter('12')).toBe(12);
    expect(parseRetryAfter(null)).toBeNull();
    expect(parseRetryAfter('soon')).toBeNull();
    const now = Date.parse('2024-01-01T00:00:00Z');
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:00:30 GMT', now)).toBe(30);
    expect(rateLimitNotice(4.2)).toBe('Rate limited, retrying in 5 s');
  });
});
