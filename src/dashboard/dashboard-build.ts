import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Where the dashboard's build lives: `dashboard/dist/` under the package root (the folder with
 * package.json above this file), so the same lookup works from `src/` under jest, from `dist/`
 * after `npm run build`, and in the Docker image (/app).
 */
export function dashboardBuildDir(from = __dirname): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) return join(from, 'dashboard', 'dist');
    dir = parent;
  }
  return join(dir, 'dashboard', 'dist');
}

/** Hashed bundles (Vite writes them to assets/ with a content hash in the name) never change. */
export const IMMUTABLE_CACHE = 'public, max-age=31536000, immutable';
/** index.html names the current bundles, so it is always revalidated (ETag, 304). */
export const REVALIDATE_CACHE = 'no-cache';

/** The Cache-Control of a file of the build, by its path relative to the build folder. */
export function cacheControlFor(relativePath: string): string {
  return /^assets\/.+-[\w-]{8,}\.\w+$/.test(relativePath.replace(/\\/g, '/'))
    ? IMMUTABLE_CACHE
    : REVALIDATE_CACHE;
}
