import {
  ApiException,
  apiError,
  ClientMessageSchema,
  events,
  isMethodName,
  jsonByteLength,
  MAX_MESSAGE_BYTES,
  methods,
  type ApiError,
  type EventName,
  type MethodName,
  type ParsedParamsOf,
  type PayloadOf,
  type ResultOf,
  type ServerMessage,
  type Transport,
} from '../api';

/** Per-request context handed to a handler. */
export interface CallContext {
  /** Aborted when the client cancels, its connection closes, or the backend shuts down. */
  signal: AbortSignal;
}

export type Handler<M extends MethodName> = (
  params: ParsedParamsOf<M>,
  context: CallContext,
) => Promise<ResultOf<M>> | ResultOf<M>;

export type Handlers = { [M in MethodName]: Handler<M> };

export interface ServerOptions {
  maxMessageBytes?: number;
  /** Called for protocol violations and handler crashes; defaults to console.error. */
  log?: (message: string, detail?: unknown) => void;
}

export interface BackendServer {
  /** Serves one client link until it closes. */
  connect(transport: Transport<unknown, ServerMessage>): void;
  /** Broadcasts an event to every connection (payload validated against the contract). */
  emit<E extends EventName>(event: E, payload: PayloadOf<E>): void;
  readonly inFlight: number;
  readonly connections: number;
  /** Stops accepting requests, aborts the ones in flight, waits for them to settle, closes links. */
  shutdown(): Promise<void>;
}

/**
 * Dispatches protocol messages to handlers. Every incoming message is validated: a malformed
 * envelope, an unknown method, invalid params or an oversized message gets a typed error reply
 * and the server keeps serving. A handler that throws produces INTERNAL for that call only.
 */
export function createBackendServer(handlers: Handlers, options: ServerOptions = {}): BackendServer {
  const maxBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const log = options.log ?? ((message, detail) => console.error(`[backend] ${message}`, detail ?? ''));
  const links = new Set<Transport<unknown, ServerMessage>>();
  const running = new Set<Promise<void>>();
  const controllersInFlight = new Set<AbortController>();
  let inFlight = 0;
  let stopping = false;

  function safeSend(link: Transport<unknown, ServerMessage>, message: ServerMessage): void {
    try {
      link.send(message);
    } catch (error) {
      log('could not send to a client (link closed?)', error);
    }
  }

  function connect(link: Transport<unknown, ServerMessage>): void {
    links.add(link);
    const controllers = new Map<number, AbortController>();
    const reject = (id: number | null, error: ApiError): void =>
      safeSend(link, { kind: 'response', id, ok: false, error });

    const offMessage = link.onMessage((raw) => {
      const size = jsonByteLength(raw);
      if (size > maxBytes) {
        const id = peekId(raw);
        log(`rejected a ${size}-byte message`);
        reject(
          id,
          apiError('PAYLOAD_TOO_LARGE', `Message of ${size} bytes exceeds the ${maxBytes}-byte limit.`),
        );
        return;
      }
      const parsed = ClientMessageSchema.safeParse(raw);
      if (!parsed.success) {
        reject(
          peekId(raw),
          apiError('MALFORMED_MESSAGE', 'Not a valid protocol message.', summarize(parsed.error)),
        );
        return;
      }
      const message = parsed.data;
      if (message.kind === 'cancel') {
        controllers.get(message.id)?.abort();
        return;
      }
      const { id, method } = message;
      if (controllers.has(id)) {
        reject(id, apiError('MALFORMED_MESSAGE', `Request id ${id} is already in flight.`));
        return;
      }
      if (stopping) {
        reject(id, apiError('SHUTTING_DOWN', 'The backend is shutting down.'));
        return;
      }
      if (!isMethodName(method)) {
        reject(id, apiError('UNKNOWN_METHOD', `Unknown method '${method}'.`));
        return;
      }
      const params = methods[method].params.safeParse(message.params ?? {});
      if (!params.success) {
        reject(id, apiError('INVALID_PARAMS', `Invalid params for '${method}'.`, summarize(params.error)));
        return;
      }
      const controller = new AbortController();
      controllers.set(id, controller);
      controllersInFlight.add(controller);
      inFlight++;
      const task = run(method, params.data, controller.signal).then((reply) => {
        controllers.delete(id);
        controllersInFlight.delete(controller);
        inFlight--;
        safeSend(
          link,
          reply.ok
            ? { kind: 'response', id, ok: true, result: reply.value }
            : { kind: 'response', id, ok: false, error: reply.error },
        );
      });
      running.add(task);
      void task.finally(() => running.delete(task));
    });

    const offClose = link.onClose(() => {
      for (const controller of controllers.values()) controller.abort();
      offMessage();
      offClose();
      links.delete(link);
    });
  }

  async function run(
    method: MethodName,
    params: unknown,
    signal: AbortSignal,
  ): Promise<{ ok: true; value: unknown } | { ok: false; error: ApiError }> {
    const cancelled = () => ({
      ok: false as const,
      error: apiError('CANCELLED', `'${method}' was cancelled.`),
    });
    try {
      const handler = handlers[method] as (p: unknown, c: CallContext) => unknown;
      const value = await handler(params, { signal });
      if (signal.aborted) return cancelled();
      // Validate our own output too: a handler bug must surface here, not as garbage in the UI.
      const checked = methods[method].result.safeParse(value);
      if (!checked.success) {
        log(`handler '${method}' returned a value that breaks the contract`, summarize(checked.error));
        return { ok: false, error: apiError('INTERNAL', `'${method}' produced an invalid result.`) };
      }
      return { ok: true, value: checked.data };
    } catch (error) {
      if (signal.aborted) return cancelled();
      if (error instanceof ApiException) return { ok: false, error: error.error };
      log(`handler '${method}' threw`, error);
      return { ok: false, error: apiError('INTERNAL', `'${method}' failed: ${errorMessage(error)}`) };
    }
  }

  return {
    connect,
    emit(event, payload) {
      const checked = events[event].safeParse(payload);
      if (!checked.success) {
        log(`refused to emit an invalid '${event}' event`, summarize(checked.error));
        return;
      }
      for (const link of links) safeSend(link, { kind: 'event', name: event, payload: checked.data });
    },
    get inFlight() {
      return inFlight;
    },
    get connections() {
      return links.size;
    },
    async shutdown() {
      stopping = true;
      for (const controller of controllersInFlight) controller.abort();
      await Promise.allSettled([...running]);
      for (const link of [...links]) link.close();
      links.clear();
    },
  };
}

/** Best effort: reply to a broken request with its id when one can be read. */
function peekId(raw: unknown): number | null {
  if (typeof raw === 'object' && raw !== null && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  }
  return null;
}

function summarize(error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> }) {
  return error.issues
    .slice(0, 10)
    .map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message }));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
