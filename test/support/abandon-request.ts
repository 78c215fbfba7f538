import http from 'node:http';

/**
 * GETs a URL and goes away as soon as the first bytes of the body arrive, the way a client that
 * closes the tab mid-download does: the server is left with a half-sent response to clean up.
 */
export function abandonAfterFirstBytes(url: URL): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const req = http.get(url, (res) => {
      res.once('data', () => {
        req.destroy();
        resolve();
      });
    });
    req.on('error', (error) => (req.destroyed ? resolve() : reject(error)));
  });
}
