import { apiError, type ApiError, type Result } from './errors';
import { isEventName, type EventName, type PayloadOf } from './events';
import type { MethodName, ParamsOf, ResultOf } from './methods';
import { EventMessageSchema, ResponseMessageSchema, type ClientMessage, type Transport } from './protocol';

export interface CallOptions {
  /** Fail with TIMEOUT if no reply arrives in this many ms (the backend is told to cancel). */
  timeoutMs?: number;
}

/** A request in flight that the caller may cancel (the backend aborts the handler). */
export interface PendingCall<T> {
  readonly result: Promise<Result<T>>;
  cancel(): void;
}

/**
 * The renderer-facing API. The preload exposes exactly this object as `window.verbatim`
 * (through contextBridge), the dev bridge injects the same shape, and tests use it directly.
 * Results are Result values: a failure is data with a code, never a thrown string.
 */
export interface VerbatimApi {
  invoke<M extends MethodName>(
    method: M,
    params: ParamsOf<M>,
    options?: CallOptions,
  ): Promise<Result<ResultOf<M>>>;
  request<M extends MethodName>(
    method: M,
    params: ParamsOf<M>,
    options?: CallOptions,
  ): PendingCall<ResultOf<M>>;
  on<E extends EventName>(event: E, listener: (payload: PayloadOf<E>) => void): () => void;
}

export interface ApiClient extends VerbatimApi {
  /** Fails every call in flight with `error` (used when the link drops) and detaches. */
  dispose(error?: ApiError): void;
  /** Delivers a locally generated event (e.g. a host announcing a backend restart). */
  emitLocal<E extends EventName>(event: E, payload: PayloadOf<E>): void;
  readonly pendingCount: number;
}

type Settle = (result: Result<unknown>) => void;

/** Builds a VerbatimApi over any transport speaking the protocol of protocol.ts. */
export function createApiClient(transport: Transport<unknown, ClientMessage>): ApiClient {
  let nextId = 1;
  let disposed = false;
  const pending = new Map<number, Settle>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();

  const emit = (name: string, payload: unknown): void => {
    for (const listener of listeners.get(name) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        // A faulty listener must not break delivery to the others.
        console.error(`verbatim: listener for '${name}' threw`, error);
      }
    }
  };

  const offMessage = transport.onMessage((raw) => {
    const response = ResponseMessageSchema.safeParse(raw);
    if (response.success) {
      const message = response.data;
      if (message.id === null) {
        console.error('verbatim: backend rejected a message', message.ok ? undefined : message.error);
        return;
      }
      const settle = pending.get(message.id);
      if (!settle) return; // already timed out or cancelled
      pending.delete(message.id);
      settle(message.ok ? { ok: true, value: message.result } : { ok: false, error: message.error });
      return;
    }
    const event = EventMessageSchema.safeParse(raw);
    if (event.success && isEventName(event.data.name)) emit(event.data.name, event.data.payload);
  });
  const offClose = transport.onClose(() =>
    dispose(apiError('BACKEND_UNAVAILABLE', 'The backend connection closed.')),
  );

  function dispose(
    error: ApiError = apiError('BACKEND_UNAVAILABLE', 'The backend connection closed.'),
  ): void {
    if (disposed) return;
    disposed = true;
    offMessage();
    offClose();
    for (const settle of pending.values()) settle({ ok: false, error });
    pending.clear();
  }

  function request<M extends MethodName>(
    method: M,
    params: ParamsOf<M>,
    options: CallOptions = {},
  ): PendingCall<ResultOf<M>> {
    const id = nextId++;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const result = new Promise<Result<ResultOf<M>>>((resolve) => {
      if (disposed) {
        resolve({ ok: false, error: apiError('BACKEND_UNAVAILABLE', 'The backend connection is closed.') });
        return;
      }
      pending.set(id, (r) => {
        if (timer) clearTimeout(timer);
        resolve(r as Result<ResultOf<M>>);
      });
      if (options.timeoutMs !== undefined) {
        timer = setTimeout(
          () => abort(apiError('TIMEOUT', `'${method}' got no reply in ${options.timeoutMs} ms.`)),
          options.timeoutMs,
        );
      }
      try {
        transport.send({ kind: 'request', id, method, params });
      } catch (error) {
        abort(apiError('BACKEND_UNAVAILABLE', `Could not send '${method}': ${String(error)}`), false);
      }
    });
    function abort(error: ApiError, tellBackend = true): void {
      const settle = pending.get(id);
      if (!settle) return;
      pending.delete(id);
      if (tellBackend) {
        try {
          transport.send({ kind: 'cancel', id });
        } catch {
          // The link is gone; nothing to cancel remotely.
        }
      }
      settle({ ok: false, error });
    }
    return { result, cancel: () => abort(apiError('CANCELLED', `'${method}' was cancelled.`)) };
  }

  return {
    invoke: (method, params, options) => request(method, params, options).result,
    request,
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => set.delete(wrapped);
    },
    dispose,
    emitLocal: (event, payload) => emit(event, payload),
    get pendingCount() {
      return pending.size;
    },
  };
}
