/**
 * Meeting audio on app://verbatim/media/<meetingId>/<channel> (issue 4 item 5): main asks the backend
 * which file that is (`media.file`; the backend only answers with files inside its data folder) and
 * streams it with range support (main/backend/http-range.ts, the same decisions as the dev bridge), so
 * <audio> can seek without reading a whole hour of WAV.
 *
 * Main's own backend client lives here too: createMainBackendLink below joins the backend host like a
 * page does (it receives a port after every start and restart) and keeps an API client on it. Besides
 * media lookups it serves the captions controller (captions-controller.ts), which follows settings and
 * recording events.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Readable } from 'node:stream';
import {
  apiError,
  createApiClient,
  events,
  type ApiClient,
  type CallOptions,
  type EventName,
  type MediaChannelName,
  type MediaFile,
  type MethodName,
  type ParamsOf,
  type PayloadOf,
  type Result,
  type ResultOf,
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
  /** A call on the current backend; BACKEND_UNAVAILABLE at once while there is none (nothing is queued). */
  invoke<M extends MethodName>(
    method: M,
    params: ParamsOf<M>,
    options?: CallOptions,
  ): Promise<Result<ResultOf<M>>>;
  /**
   * Backend events, on whichever backend is current: listeners survive restarts. Like the preload, the
   * link itself reports 'backend.connection' (connected, restarted, disconnected), so a listener knows
   * when to read state again. Returns the unsubscribe function.
   */
  on<E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void): () => void;
  /** Whether a backend is connected right now. */
  readonly connected: boolean;
  close(): void;
}

type Listener = (payload: unknown) => void;

/**
 * Main's own connection to the backend, shaped like a page for the backend host (which already knows
 * how to hand pages ports and replace them after a restart). Negative id: never a WebContents id.
 */
export function createMainBackendLink(options: { timeoutMs?: number } = {}): MainBackendLink {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const listeners = new Map<string, Set<Listener>>();
  let client: ApiClient | null = null;
  let everConnected = false;
  let closed = false;

  const emit = (name: string, payload: unknown) => {
    for (const listener of [...(listeners.get(name) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`[main] listener for '${name}' threw`, error);
      }
    }
  };
  const drop = () => {
    client?.dispose(apiError('BACKEND_UNAVAILABLE', 'The backend restarted.'));
    client = null;
  };
  const renderer: RendererLike<MessagePortMainLike> = {
    id: -1,
    isDestroyed: () => closed,
    once: () => undefined,
    postMessage(channel, message, transfer) {
      if (closed) return;
      if (channel === IPC.lost) {
        drop();
        const info = message as { restarts?: unknown } | undefined;
        const restarts = typeof info?.restarts === 'number' ? info.restarts : 0;
        emit('backend.connection', { state: 'disconnected', restarts });
        return;
      }
      if (channel !== IPC.port) return;
      const port = transfer?.[0];
      if (!port) return;
      drop();
      const next = createApiClient(messagePortMainTransport(port));
      // Forwarded by name so listeners registered on the link outlive this client.
      for (const name of Object.keys(events) as EventName[]) next.on(name, (payload) => emit(name, payload));
      client = next;
      const info = message as { restarts?: unknown } | undefined;
      const restarts = typeof info?.restarts === 'number' ? info.restarts : 0;
      emit('backend.connection', { state: everConnected ? 'restarted' : 'connected', restarts });
      everConnected = true;
    },
  };
  const invoke: MainBackendLink['invoke'] = async (method, params, callOptions) => {
    if (!client) return { ok: false, error: apiError('BACKEND_UNAVAILABLE', 'The backend is not running.') };
    return client.invoke(method, params, { timeoutMs, ...callOptions });
  };
  return {
    renderer,
    resolveMedia: (meetingId, channel) => invoke('media.file', { meetingId, channel }),
    invoke,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const wrapped = listener as Listener;
      set.add(wrapped);
      return () => void set.delete(wrapped);
    },
    get connected() {
      return client !== null;
    },
    close() {
      closed = true;
      drop();
      listeners.clear();
    },
  };
}
