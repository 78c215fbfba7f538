import { describeUrl, scrubSecrets } from './scrub';

describe('scrubSecrets', () => {
  it('redacts the apiKey query parameter wherever it appears', () => {
    expect(scrubSecrets('GET https://api.polygon.io/v2/x?apiKey=abc123&limit=5')).toBe(
      'GET https://api.polygon.io/v2/x?apiKey=REDACTED&limit=5',
    );
    expect(scrubSecrets('a?limit=1&apikey=zzz')).toBe('a?limit=1&apikey=REDACTED');
  });

  it('redacts bearer tokens and the literal secret', () => {
    expect(scrubSecrets('Authorization: Bearer s3cr3t.tok')).toBe('Authorization: Bearer REDACTED');
    expect(scrubSecrets('key s3cr3t leaked', 's3cr3t')).toBe('key REDACTED leaked');
  });

  it('describes a URL without its query', () => {
    expect(describeUrl('https://api.polygon.io/v2/aggs?apiKey=abc')).toBe(
      'https://api.polygon.io/v2/aggs',
    );
  });
});
