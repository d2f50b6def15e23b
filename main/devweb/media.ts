/**
 * Meeting audio over the dev bridge: `GET|HEAD /media/<meetingId>/<channel>` streams the file the
 * backend names (`media.file`) with range support (main/backend/http-range.ts, shared with the
 * app:// protocol), so a media element can seek.
 *
 * Who may fetch it: only our own page, like the WebSocket. A media element cannot carry the socket
 * token, so the page gets a second random secret as a cookie when index.html is served (HttpOnly: page
 * script never sees it; SameSite=Strict and a per-port name: another site, or another server on
 * 127.0.0.1, never sends it). Chromium also says where a request came from (Sec-Fetch-Site); anything
 * but same-origin is refused even with the cookie. The Host check in server.ts runs first.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ApiError, MediaChannelName, MediaFile, Result } from '../api';
import { bodyLength, decideRange, rangeResponseHeaders } from '../backend/http-range';

export interface MediaAccess {
  /** The Set-Cookie value to send with index.html. */
  readonly cookie: string;
  /** null when the request may have the audio, else why not (for the log). */
  check(req: IncomingMessage): string | null;
}

export function createMediaAccess(port: number): MediaAccess {
  const secret = randomBytes(32).toString('base64url');
  const name = `verbatim_media_${port}`;
  const expected = digest(secret);
  return {
    cookie: `${name}=${secret}; Path=/media; HttpOnly; SameSite=Strict`,
    check(req) {
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin') return `Sec-Fetch-Site is ${String(site)}`;
      const given = cookieValue(req.headers.cookie, name);
      if (given === null) return 'no media cookie';
      return timingSafeEqual(digest(given), expected) ? null : 'wrong media cookie';
    },
  };
}

/** One cookie's value from a Cookie header (the last one wins if it repeats). */
export function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  let found: string | null = null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    if (part.slice(0, eq).trim() === name) found = part.slice(eq + 1).trim();
  }
  return found;
}

export type ResolveMedia = (meetingId: number, channel: MediaChannelName) => Promise<Result<MediaFile>>;

/** HTTP status for a failed `media.file`: missing audio is a 404, a backend that is not there a 503. */
export function statusForError(error: ApiError): number {
  if (error.code === 'NOT_FOUND' || error.code === 'INVALID_PARAMS') return 404;
  if (error.code === 'BACKEND_UNAVAILABLE' || error.code === 'SHUTTING_DOWN' || error.code === 'TIMEOUT')
    return 503;
  return 500;
}

/**
 * Answers one media request. `headers` adds the server's security headers; `plain` sends a short
 * text error. Stats come from the open descriptor, so the size and the bytes read agree even while
 * a WAV is still being recorded.
 */
export async function serveMedia(
  req: IncomingMessage,
  res: ServerResponse,
  target: { meetingId: number; channel: MediaChannelName },
  deps: {
    resolve: ResolveMedia;
    headers: (res: ServerResponse) => void;
    plain: (res: ServerResponse, status: number, text: string) => void;
  },
): Promise<void> {
  const resolved = await deps.resolve(target.meetingId, target.channel);
  if (!resolved.ok) return deps.plain(res, statusForError(resolved.error), resolved.error.message);
  const file = resolved.value;
  let handle;
  try {
    handle = await open(file.path, 'r');
  } catch {
    return deps.plain(res, 404, 'The audio file is gone.');
  }
  let handedOff = false;
  try {
    const info = await handle.stat();
    const stats = { size: info.size, mtimeMs: info.mtimeMs };
    const decision = decideRange(
      { range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined },
      stats,
    );
    deps.headers(res);
    res.writeHead(decision.status, rangeResponseHeaders(decision, stats, file.mimeType));
    if (req.method === 'HEAD' || decision.status === 416 || bodyLength(decision) === 0) {
      res.end();
      return;
    }
    const stream = createReadStream('', {
      fd: handle,
      start: decision.start,
      end: decision.end,
      autoClose: true,
    });
    handedOff = true;
    stream.on('error', () => res.destroy());
    res.on('close', () => stream.destroy());
    stream.pipe(res);
  } finally {
    if (!handedOff) await handle.close();
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
