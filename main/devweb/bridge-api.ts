import {
  apiError,
  createApiClient,
  isEventName,
  Listeners,
  type ApiClient,
  type ClientMessage,
  type EventName,
  type PayloadOf,
  type Transport,
  type VerbatimApi,
} from '../api';

/**
 * The part of a browser WebSocket the bridge uses. Declared structurally so this module
 * type-checks with the Node lib (no DOM) and runs in tests with the `ws` package.
 */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: never) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: never) => void) | null;
  onerror: ((event: never) => void) | null;
}

const OPEN = 1;

export interface BridgeApiOptions {
  /** Opens a new socket to the bridge endpoint (URL and token are the caller's business). */
  connect: () => SocketLike;
  /** Delay before reconnect attempt n (1-based); defaults to a capped exponential backoff. */
  reconnectDelayMs?: (attempt: number) => number;
  log?: (message: string, detail?: unknown) => void;
}

export interface BridgeApi extends VerbatimApi {
  /** Stops reconnecting and closes the socket (tests; a page never needs it). */
  close(): void;
}

/**
 * A VerbatimApi over the dev bridge's WebSocket. A protocol client is finished once its link
 * closes, so each socket gets its own; this facade keeps the caller's event listeners across
 * reconnects, and calls made while no socket is open are sent once the next one opens.
 */
export function createBridgeApi(options: BridgeApiOptions): BridgeApi {
  const log = options.log ?? ((message, detail) => console.warn(`verbatim bridge: ${message}`, detail ?? ''));
  const delay =
    options.reconnectDelayMs ?? ((attempt) => Math.min(5000, 100 * 2 ** Math.min(attempt - 1, 6)));
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  let client: ApiClient;
  let socket: SocketLike;
  let restarts = 0;
  let attempt = 0;
  let closed = false;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  function deliver<E extends EventName>(name: E, payload: PayloadOf<E>): void {
    if (name === 'backend.connection') restarts = (payload as PayloadOf<'backend.connection'>).restarts;
    for (const listener of [...(listeners.get(name) ?? [])]) {
      try {
        listener(payload);
      } catch (error) {
        // One faulty listener must not keep the event from the others.
        log(`a listener for '${name}' threw`, error);
      }
    }
  }

  function open(): void {
    const current = options.connect();
    socket = current;
    let opened = false;
    const messages = new Listeners<unknown>();
    const closes = new Listeners<void>();
    // Messages sent before the socket is open wait here, in order.
    const queue: string[] = [];
    const transport: Transport<unknown, ClientMessage> = {
      send(message) {
        const text = JSON.stringify(message);
        if (current.readyState === OPEN) current.send(text);
        else if (!opened) queue.push(text);
        else throw new Error('the bridge socket is closed');
      },
      onMessage: (listener) => messages.add(listener),
      onClose: (listener) => closes.add(listener),
      close: () => current.close(1000),
    };
    client = createApiClient(transport);

    current.onopen = () => {
      opened = true;
      attempt = 0;
      for (const text of queue.splice(0)) current.send(text);
    };
    current.onmessage = (event) => {
      if (typeof event.data !== 'string') return;
      let message: unknown;
      try {
        message = JSON.parse(event.data);
      } catch {
        log('ignored a message that is not JSON');
        return;
      }
      messages.emit(message);
      // Events go to the facade's listeners directly: they outlive this socket's client.
      const event_ = message as { kind?: unknown; name?: unknown; payload?: unknown } | null;
      if (event_?.kind === 'event' && typeof event_.name === 'string' && isEventName(event_.name)) {
        deliver(event_.name, event_.payload as never);
      }
    };
    current.onerror = () => {
      // A close event always follows an error; reconnecting is handled there.
    };
    current.onclose = () => {
      current.onopen = current.onmessage = current.onclose = current.onerror = null;
      // Fails this socket's calls in flight with BACKEND_UNAVAILABLE.
      closes.emit();
      if (closed) return;
      if (opened) deliver('backend.connection', { state: 'disconnected', restarts });
      attempt++;
      reconnectTimer = setTimeout(open, delay(attempt));
    };
  }

  open();

  return {
    invoke: (method, params, callOptions) => client.request(method, params, callOptions).result,
    request: (method, params, callOptions) => client.request(method, params, callOptions),
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      return () => void set.delete(wrapped);
    },
    close() {
      if (closed) return;
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      client.dispose(apiError('BACKEND_UNAVAILABLE', 'The bridge was closed.'));
      socket.close(1000);
    },
  };
}
