import * as path from 'node:path';

import {
  cacheControlFor,
  dashboardBuildDir,
  IMMUTABLE_CACHE,
  REVALIDATE_CACHE,
} from './dashboard-build';

describe('the dashboard build', () => {
  it('is found under the package root from the sources and from dist/', () => {
    const root = path.resolve(__dirname, '../..');
    expect(dashboardBuildDir()).toBe(path.join(root, 'dashboard', 'dist'));
    expect(dashboardBuildDir(path.join(root, 'dist', 'src', 'dashboard'))).toBe(
      path.join(root, 'dashboard', 'dist'),
    );
  });

  it('caches content-hashed bundles for good and revalidates everything else', () => {
    expect(cacheControlFor('assets/index-BmjZ1rbw.js')).toBe(IMMUTABLE_CACHE);
    expect(cacheControlFor('assets/index-B2K65g1S.css')).toBe(IMMUTABLE_CACHE);
    expect(cacheControlFor('index.html')).toBe(REVALIDATE_CACHE);
    expect(cacheControlFor('assets/logo.svg')).toBe(REVALIDATE_CACHE);
  });
});
