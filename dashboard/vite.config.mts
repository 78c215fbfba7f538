import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

/**
 * The dashboard's build: plain static files in dashboard/dist/ (the API serves them at
 * /dashboard/, nginx at /). `base: './'` links the bundles relatively, so one build works under
 * either prefix. Everything comes from npm and is bundled: no CDN at run time.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // lightweight-charts is most of the bundle; one chunk keeps the page to two requests.
    chunkSizeWarningLimit: 400,
  },
  // `npx vite --config dashboard/vite.config.mts`: live-reloading sources, the API of a running
  // `npm start` behind them.
  server: { proxy: { '/api': 'http://localhost:8000' } },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
