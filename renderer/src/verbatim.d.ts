import type { VerbatimApi } from '../../main/api';

/**
 * The preload script (or the dev bridge) installs the backend contract here. It is the renderer's only
 * way to reach the backend; the renderer never imports Node or Electron code.
 */
declare global {
  interface Window {
    verbatim: VerbatimApi;
  }
}
