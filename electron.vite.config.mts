import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

/**
 * One build tool for all four bundles (electron-vite: it knows Electron's Node/Chromium targets
 * and builds main, preload and renderer with one config):
 *  - main:     the Electron shell (main/app/main.ts) and the backend process entry (main/backend/entry.ts)
 *  - preload:  main/app/preload.ts, bundled into one CommonJS file (sandboxed preloads cannot require)
 *  - renderer: the React app in renderer/
 */
export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve(import.meta.dirname, 'main/app/main.ts'),
          backend: resolve(import.meta.dirname, 'main/backend/entry.ts'),
          // The headless CLI shares the backend code; `verbatim` (main/cli/verbatim.cjs) runs this bundle.
          cli: resolve(import.meta.dirname, 'main/cli/index.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      // Sandboxed preload: everything (zod, main/api) must be inside the one file.
      externalizeDeps: false,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'main/app/preload.ts') } },
    },
  },
  renderer: {
    root: 'renderer',
    plugins: [react()],
    build: {
      outDir: 'out/renderer',
      minify: true,
      rollupOptions: { input: { index: resolve(import.meta.dirname, 'renderer/index.html') } },
    },
  },
});
