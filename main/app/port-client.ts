import {
  apiError,
  createApiClient,
  domPortTransport,
  events,
  type ApiClient,
  type ApiError,
  type CallOptions,
  type ClientMessage,
  type DomMessagePortLike,
  type EventName,
  type MethodName,
  type ParamsOf,
  type PayloadOf,
  type PendingCall,
  type Result,
  type ResultOf,
  type Transport,
  type VerbatimApi,
} from '../api';

/**
 * The preload's side of the backend link, kept free of Electron so it can be tested with real
 * MessagePorts. The API object outlives any one port:
 *  - calls made before the first port (or while the backend restarts) wait in a queue;
 *  - a new port swaps the client: calls in flight on the old one fail with BACKEND_UNAVAILABLE
 *    (the old backend is gone, their outcome is unknown), queued calls go to the new one;
 *  - event listeners are registered here, not on a client, so they survive restarts.
 */

export interface PortClientOptions {
  /** A call waiting for a backend fails with BACKEND_UNAVAILABLE after this long. */
  queueTimeoutMs?: number;
}

export interface PortClient {
  /** The object the preload exposes as window.verbatim. */
  readonly api: VerbatimApi;
  /** A new port to the backend arrived (first connection or after a restart). */
  attach(port: DomMessagePortLike, info: { restarts: number }): void;
  /** The backend died; `willRestart` false means it will not come back in this session. */
  detach(info: { restarts: number; willRestart: boolean }): void;
  readonly connected: boolean;
  readonly queued: number;
}

interface Waiting {
  forward(client: ApiClient): void;
  fail(error: ApiError): void;
}

type Listener = (payload: unknown) => void;

const unavailable = (message: string) => apiError('BACKEND_UNAVAILABLE', message);

export function createPortClient(options: PortClientOptions = {}): PortClient {
  const queueTimeoutMs = options.queueTimeoutMs ?? 30_000;
  const listeners = new Map<string, Set<Listener>>();
  const waiting = new Set<Waiting>();
  let link: { client: ApiClient; transport: Transport<unknown, ClientMessage> } | null = null;
  let everConnected = false;
  let failed = false;

  function emit(name: string, payload: unknown): void {
    for (const listener of [...(listeners.get(name) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        console.error(`verbatim: listener for '${name}' threw`, error);
      }
    }
  }

  function dropLink(reason: string): void {
    if (!link) return;
    link.client.dispose(unavailable(reason));
    link.transport.close();
    link = null;
  }

  function request<M extends MethodName>(
    method: M,
    params: ParamsOf<M>,
    callOptions: CallOptions = {},
  ): PendingCall<ResultOf<M>> {
    if (link) return link.client.request(method, params, callOptions);
    if (failed) {
      return { result: Promise.resolve(fail(unavailable('The backend is not running.'))), cancel: () => {} };
    }
    return enqueue(method, params, callOptions);
  }

  function enqueue<M extends MethodName>(method: M, params: ParamsOf<M>, callOptions: CallOptions) {
    const startedAt = Date.now();
    let settle!: (result: Result<ResultOf<M>>) => void;
    const result = new Promise<Result<ResultOf<M>>>((resolve) => (settle = resolve));
    let forwarded: PendingCall<ResultOf<M>> | null = null;
    let done = false;
    const finish = (outcome: Result<ResultOf<M>>) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      waiting.delete(entry);
      settle(outcome);
    };
    const userTimeout = callOptions.timeoutMs;
    const timer = setTimeout(
      () =>
        finish(
          fail(
            userTimeout !== undefined && userTimeout <= queueTimeoutMs
              ? apiError('TIMEOUT', `'${method}' got no reply in ${userTimeout} ms.`)
              : unavailable(`No backend connection after ${queueTimeoutMs} ms.`),
          ),
        ),
      Math.min(userTimeout ?? Number.POSITIVE_INFINITY, queueTimeoutMs),
    );
    const entry: Waiting = {
      forward(client) {
        waiting.delete(entry);
        clearTimeout(timer);
        const remaining =
          userTimeout === undefined ? undefined : Math.max(1, userTimeout - (Date.now() - startedAt));
        forwarded = client.request(method, params, remaining === undefined ? {} : { timeoutMs: remaining });
        void forwarded.result.then(finish);
      },
      fail: (error) => finish(fail(error)),
    };
    waiting.add(entry);
    return {
      result,
      cancel: () =>
        forwarded ? forwarded.cancel() : finish(fail(apiError('CANCELLED', `'${method}' was cancelled.`))),
    };
  }

  const api: VerbatimApi = {
    invoke: (method, params, callOptions) => request(method, params, callOptions).result,
    request,
    on<E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const wrapped = listener as Listener;
      set.add(wrapped);
      return () => {
        set.delete(wrapped);
      };
    },
  };

  return {
    api,
    attach(port, info) {
      dropLink('The backend restarted; the outcome of this call is unknown.');
      const transport = domPortTransport<unknown, ClientMessage>(port);
      const client = createApiClient(transport);
      for (const name of Object.keys(events)) client.on(name as EventName, (payload) => emit(name, payload));
      link = { client, transport };
      failed = false;
      for (const entry of [...waiting]) entry.forward(client);
      emit('backend.connection', {
        state: everConnected ? 'restarted' : 'connected',
        restarts: info.restarts,
      });
      everConnected = true;
    },
    detach(info) {
      dropLink('The backend stopped; the outcome of this call is unknown.');
      if (!info.willRestart) {
        failed = true;
        for (const entry of [...waiting]) entry.fail(unavailable('The backend is not running.'));
      }
      emit('backend.connection', { state: 'disconnected', restarts: info.restarts });
    },
    get connected() {
      return link !== null;
    },
    get queued() {
      return waiting.size;
    },
  };
}

function fail<T>(error: ApiError): Result<T> {
  return { ok: false, error };
}
