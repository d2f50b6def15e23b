/**
 * Meeting audio on app://verbatim/media/<meetingId>/<channel> (issue 4 item 5): main asks the backend
 * which file that is (`media.file`; the backend only answers with files inside its data folder) and
 * streams it with range support (main/backend/http-range.ts, the same decisions as the dev bridge), so
 * <audio> can seek without reading a whole hour of WAV.
 *
 * Main has no backend client of its own otherwise: createMainBackendLink below joins the backend host
 * like a page does (it receives a port after every start and restart) and keeps an API client on it.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  apiError,
  createApiClient,
  type ApiClient,
  type MediaChannelName,
  type MediaFile,
  type Result,
} from '../api';
import { bodyLength, decideRange, rangeResponseHeaders } from '../backend/http-range';
import { messagePortMainTransport, type MessagePortMainLike } from '../backend/transports-node';
import type { RendererLike } from './backend-host';
import { IPC } from './constants';

export type ResolveMedia = (meetingId: number, channel: MediaChannelName) => Promise<Result<MediaFile>>;

/** HTTP status for a failed `media.file`: missing audio is a 404, a backend that is not there a 503. */
function statusFor(result: Extract<Result<MediaFile>, { ok: false }>): number {
  const { code } = result.error;
  if (code === 'NOT_FOUND' || code === 'INVALID_PARAMS') return 404;
  if (code === 'BACKEND_UNAVAILABLE' || code === 'SHUTTING_DOWN' || code === 'TIMEOUT') return 503;
  return 500;
}

/**
 * Builds the response for one media request. `baseHeaders` are the protocol's security headers (CSP,
 * nosniff). Stats come from the open descriptor, so size and bytes agree even while a WAV grows.
 */
export async function respondWithMedia(
  request: Request,
  target: { meetingId: number; channel: MediaChannelName },
  resolve: ResolveMedia,
  baseHeaders: Record<string, string>,
): Promise<Response> {
  const text = (status: number, body: string) =>
    new Response(body, { status, headers: { ...baseHeaders, 'Content-Type': 'text/plain; charset=utf-8' } });
  const resolved = await resolve(target.meetingId, target.channel);
  if (!resolved.ok) return text(statusFor(resolved), resolved.error.message);
  let handle;
  try {
    handle = await open(resolved.value.path, 'r');
  } catch {
    return text(404, 'The audio file is gone.');
  }
  let handedOff = false;
  try {
    const info = await handle.stat();
    const stats = { size: info.size, mtimeMs: info.mtimeMs };
    const decision = decideRange(
      { range: request.headers.get('range'), ifRange: request.headers.get('if-range') },
      stats,
    );
    const headers = { ...baseHeaders, ...rangeResponseHeaders(decision, stats, resolved.value.mimeType) };
    if (request.method === 'HEAD' || decision.status === 416 || bodyLength(decision) === 0) {
      return new Response(null, { status: decision.status, headers });
    }
    const stream = createReadStream('', {
      fd: handle,
      start: decision.start,
      end: decision.end,
      autoClose: true,
    });
    handedOff = true;
    return new Response(Readable.toWeb(stream) as ReadableStream<Uint8Array>, {
      status: decision.status,
      headers,
    });
  } finally {
    if (!handedOff) await handle.close();
  }
}

export interface MainBackendLink {
  /** Pass to BackendHost.connect: it receives a fresh port after every (re)start. */
  readonly renderer: RendererLike<MessagePortMainLike>;
  /** `media.file` on the current backend; BACKEND_UNAVAILABLE while there is none. */
  resolveMedia: ResolveMedia;
  close(): void;
}

/**
 * Main's own connection to the backend, shaped like a page for the backend host (which already knows
 * how to hand pages ports and replace them after a restart). Negative id: never a WebContents id.
 */
export function createMainBackendLink(options: { timeoutMs?: number } = {}): MainBackendLink {
  const timeoutMs = options.timeoutMs ?? 15_000;
  let client: ApiClient | null = null;
  let closed = false;
  const drop = () => {
    client?.dispose(apiError('BACKEND_UNAVAILABLE', 'The backend restarted.'));
    client = null;
  };
  const renderer: RendererLike<MessagePortMainLike> = {
    id: -1,
    isDestroyed: () => closed,
    once: () => undefined,
    postMessage(channel, _message, transfer) {
      if (channel === IPC.lost) drop();
      if (channel !== IPC.port) return;
      const port = transfer?.[0];
      if (!port) return;
      drop();
      client = createApiClient(messagePortMainTransport(port));
    },
  };
  return {
    renderer,
    resolveMedia: async (meetingId, channel) => {
      if (!client)
        return { ok: false, error: apiError('BACKEND_UNAVAILABLE', 'The backend is not running.') };
      return client.invoke('media.file', { meetingId, channel }, { timeoutMs });
    },
    close() {
      closed = true;
      drop();
    },
  };
}
