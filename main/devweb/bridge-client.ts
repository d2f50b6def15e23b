/**
 * Browser entry of the dev bridge, bundled to /__verbatim/bridge.js (an IIFE) at server start.
 * It runs as a classic script before the app's module script and defines `window.verbatim`
 * with exactly the shape the preload exposes in Electron, so the renderer cannot tell the two
 * apart. The token rides on this script's own URL, so no inline script is needed and the CSP
 * stays strict.
 */
import '../api/zod-jitless';
import type { VerbatimApi } from '../api';
import { createBridgeApi, type SocketLike } from './bridge-api';

// Minimal browser globals, declared here because this file is type-checked with the Node lib.
interface BrowserGlobals {
  document: { currentScript: { src: string } | null };
  location: { protocol: string; host: string };
  WebSocket: new (url: string) => SocketLike;
}

const browser = globalThis as unknown as BrowserGlobals;
const script = browser.document.currentScript;
const token = script ? new URL(script.src).searchParams.get('token') : null;

if (!token) {
  console.error('verbatim bridge: no token on the bridge script URL; window.verbatim is not available.');
} else {
  const scheme = browser.location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = `${scheme}//${browser.location.host}/__verbatim/ws?token=${encodeURIComponent(token)}`;
  const bridge = createBridgeApi({ connect: () => new browser.WebSocket(url) });
  const api: VerbatimApi = Object.freeze({ invoke: bridge.invoke, request: bridge.request, on: bridge.on });
  // Read-only like a contextBridge property: page code cannot swap the API out.
  Object.defineProperty(globalThis, 'verbatim', {
    value: api,
    enumerable: true,
    writable: false,
    configurable: false,
  });
}
