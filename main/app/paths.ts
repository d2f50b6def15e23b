import { join } from 'node:path';

export interface AppPaths {
  /** Built renderer served under app://verbatim/ (out/renderer). */
  renderer: string;
  /** Bundled, sandbox-compatible preload (out/preload/index.js). */
  preload: string;
  /** Backend process entry bundle (out/main/backend.js), next to the main bundle. */
  backend: string;
}

/**
 * Where the bundles live relative to the main bundle's folder (out/main). The layout is the same
 * unpackaged and inside app.asar, so one function serves `npm start` and the installed app.
 */
export function appPaths(mainDir: string): AppPaths {
  return {
    renderer: join(mainDir, '..', 'renderer'),
    preload: join(mainDir, '..', 'preload', 'index.js'),
    backend: join(mainDir, 'backend.js'),
  };
}
