/**
 * The configuration that points an app (or a spawned CLI) at a fake Polygon server, with the
 * client-side request budget raised so tests are not paced like a free-tier key.
 */
export function fakePolygonEnv(fake: { url: string; key: string }): Record<string, string> {
  return {
    POLYGON_API_KEY: fake.key,
    POLYGON_BASE_URL: fake.url,
    POLYGON_REQUESTS_PER_MINUTE: '100000',
  };
}
