import { APP_ORIGIN } from './constants';

/** Decides whether a URL belongs to one of our own origins. */
export type OriginPolicy = (url: string | null | undefined) => boolean;

/**
 * `scheme://host[:port]` of a URL, or null when it has none we can trust. Compared as strings
 * because WHATWG `URL.origin` is "null" for custom schemes in Node, although Chromium treats
 * app://verbatim as a real origin (it is registered as a standard scheme). Credentials in the
 * URL are refused outright: a URL like app://verbatim@evil.example is a classic spoof.
 */
export function originKey(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (!parsed.host || parsed.username || parsed.password) return null;
  return `${parsed.protocol}//${parsed.host}`.toLowerCase();
}

export function createOriginPolicy(origins: readonly string[]): OriginPolicy {
  const allowed = new Set(
    origins.map((origin) => originKey(origin)).filter((key): key is string => key !== null),
  );
  return (url) => {
    if (!url) return false;
    const key = originKey(url);
    return key !== null && allowed.has(key);
  };
}

/** Only the packaged renderer's origin. */
export const isAppUrl: OriginPolicy = createOriginPolicy([APP_ORIGIN]);

/**
 * The electron-vite dev server origin ($ELECTRON_RENDERER_URL), trusted only in an unpackaged
 * app and only on loopback over http, so a stray environment variable in a packaged build cannot
 * point the window (and its microphone permission) at a remote page.
 */
export function devServerOrigin(env: Record<string, string | undefined>, isPackaged: boolean): string | null {
  const url = env.ELECTRON_RENDERER_URL;
  if (isPackaged || !url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(parsed.hostname);
  if (parsed.protocol !== 'http:' || !loopback || parsed.username || parsed.password) return null;
  return `${parsed.protocol}//${parsed.host}`;
}
