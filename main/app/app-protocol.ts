import { readFile as fsReadFile } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { Protocol } from 'electron';
import { APP_HOST, APP_SCHEME } from './constants';
import { contentTypeOf } from '../backend/content-types';
import { parseMediaPath } from '../api';
import { respondWithMedia, type ResolveMedia } from './media-protocol';

/**
 * Serves the built renderer from app://verbatim/ (Electron security checklist #18: prefer a
 * custom protocol over file://). Only files under the renderer folder are reachable, and every
 * response carries a strict Content-Security-Policy (checklist #7).
 */

/** Must run before app 'ready': privileges can only be granted at start-up. */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    {
      scheme: APP_SCHEME,
      // standard: real origin + relative URLs; secure: secure context (getUserMedia, AudioWorklet);
      // supportFetchAPI: fetch()/worklet module loading; stream: media elements can stream.
      privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true },
    },
  ]);
}

/**
 * No inline script, no eval, no remote anything. Styles are files too: React's `style` prop
 * writes through CSSOM, which style-src does not govern, so 'unsafe-inline' is not needed.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'media-src': ["'self'", 'blob:', `${APP_SCHEME}:`],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'none'"],
};

export function buildCsp(directives: Readonly<Record<string, readonly string[]>> = CSP_DIRECTIVES): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** Unknown types are served as opaque bytes; with nosniff the browser will not guess script. */
export const mimeTypeFor = contentTypeOf;

/**
 * Maps app://verbatim/<path> to a file under `root`, or null when the URL is not ours or would
 * escape the root. URL parsing already removes literal and %2e dot segments; the decoded path
 * can still smuggle `..%2f`, so the final path is checked against the root after resolution.
 */
export function resolveAppUrlToFile(url: string, root: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (
    parsed.protocol !== `${APP_SCHEME}:` ||
    parsed.host !== APP_HOST ||
    parsed.username ||
    parsed.password
  ) {
    return null;
  }
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return null; // malformed percent-encoding
  }
  // NUL truncates paths in native code; a backslash is a separator on Windows.
  if (path.includes('\0') || path.includes('\\')) return null;
  if (path === '' || path.endsWith('/')) path += 'index.html';
  const base = resolve(root);
  const file = resolve(base, `.${path.startsWith('/') ? path : `/${path}`}`);
  const rel = relative(base, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return file;
}

export interface AppRequestHandlerOptions {
  root: string;
  readFile?: (file: string) => Promise<Uint8Array>;
  log?: (message: string, detail?: unknown) => void;
  /**
   * Resolves app://verbatim/media/<meetingId>/<channel> to a meeting's audio file (the backend's
   * `media.file`, see media-protocol.ts). Without it, media URLs answer 404.
   */
  media?: ResolveMedia;
}

/** Headers every response gets; the CSP also covers worker scripts, which take it from their own response. */
export function responseHeaders(file: string | null): Record<string, string> {
  const headers: Record<string, string> = {
    'Content-Security-Policy': buildCsp(),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  };
  if (file) headers['Content-Type'] = mimeTypeFor(file);
  return headers;
}

/** The protocol.handle callback, separated from Electron so it can be tested with plain Requests. */
export function createAppRequestHandler(
  options: AppRequestHandlerOptions,
): (request: Request) => Promise<Response> {
  const readFile = options.readFile ?? ((file: string) => fsReadFile(file));
  const log = options.log ?? ((message, detail) => console.error(`[app-protocol] ${message}`, detail ?? ''));
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response(null, { status: 405, headers: { ...responseHeaders(null), Allow: 'GET, HEAD' } });
    }
    const mediaTarget = mediaTargetOf(request.url);
    if (mediaTarget !== undefined) {
      if (!mediaTarget || !options.media) return notFound();
      return respondWithMedia(request, mediaTarget, options.media, responseHeaders(null));
    }
    const file = resolveAppUrlToFile(request.url, options.root);
    if (!file) return notFound();
    let body: Uint8Array;
    try {
      body = await readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return notFound();
      log(`could not read ${file}`, error);
      return new Response(null, { status: 500, headers: responseHeaders(null) });
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
      status: 200,
      headers: responseHeaders(file),
    });
  };
}

/**
 * undefined: not a media URL (serve a renderer file); null: under /media/ but not a meeting channel;
 * else the meeting and channel. Nothing under /media/ ever falls through to the renderer folder.
 */
function mediaTargetOf(url: string): ReturnType<typeof parseMediaPath> | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (
    parsed.protocol !== `${APP_SCHEME}:` ||
    parsed.host !== APP_HOST ||
    !parsed.pathname.startsWith('/media/')
  )
    return undefined;
  return parseMediaPath(parsed.pathname);
}

function notFound(): Response {
  return new Response('Not found', { status: 404, headers: responseHeaders('404.txt') });
}

/** Call after app 'ready'. Registers on the default session, which is the one our windows use. */
export function installAppProtocol(
  protocol: Pick<Protocol, 'handle'>,
  root: string,
  media?: ResolveMedia,
): void {
  protocol.handle(APP_SCHEME, createAppRequestHandler(media ? { root, media } : { root }));
}
