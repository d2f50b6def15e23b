import {
  apiError,
  ClientMessageSchema,
  events,
  MAX_MESSAGE_BYTES,
  type ApiClient,
  type ApiError,
  type EventName,
  type MethodName,
  type PendingCall,
  type ServerMessage,
} from '../api';
import type { BackendSupervisor } from '../backend/supervisor';

/** One browser connection as the hub sees it (a WebSocket in the server, a stub in tests). */
export interface Peer {
  send(text: string): void;
}

export interface PeerConnection {
  /** A text message from the peer. */
  receive(text: string): void;
  /** A binary message from the peer: not part of the protocol, answered with MALFORMED_MESSAGE. */
  receiveBinary(): void;
  /** The peer went away: its calls in flight are cancelled. */
  closed(): void;
}

export interface BridgeHub {
  connect(peer: Peer): PeerConnection;
  readonly connections: number;
  dispose(): void;
}

export interface HubOptions {
  maxMessageBytes?: number;
  log?: (message: string) => void;
}

/**
 * Joins browser connections to the supervised backend at the API level: each request is
 * checked against the protocol schema, then made with the supervisor's current ApiClient and
 * its Result sent back under the peer's own request id. Ids therefore never collide between
 * peers (they share one backend connection), and the backend still validates method and params.
 * Events from the backend are fanned out to every peer; after a restart the hub subscribes to
 * the new client, and peers hear `backend.connection` { state: 'restarted' } from the supervisor.
 */
export function createBridgeHub(supervisor: BackendSupervisor, options: HubOptions = {}): BridgeHub {
  const maxBytes = options.maxMessageBytes ?? MAX_MESSAGE_BYTES;
  const log = options.log ?? ((message: string) => console.error(`[dev:web] ${message}`));
  const peers = new Set<Peer>();
  const eventNames = Object.keys(events) as EventName[];
  let unsubscribe: () => void = () => undefined;
  let disposed = false;

  function safeSend(peer: Peer, message: ServerMessage): void {
    try {
      peer.send(JSON.stringify(message));
    } catch (error) {
      log(`could not send to a browser connection: ${String(error)}`);
    }
  }

  const broadcast = (message: ServerMessage): void => {
    for (const peer of peers) safeSend(peer, message);
  };

  function subscribe(client: ApiClient): void {
    unsubscribe();
    const offs = eventNames.map((name) =>
      client.on(name, (payload) => broadcast({ kind: 'event', name, payload })),
    );
    const instance = supervisor.current;
    // The supervisor announces restarts but not the gap before them; peers should know the
    // backend is gone while it is being started again.
    void instance.exited.then(() => {
      if (disposed || supervisor.current !== instance) return;
      broadcast({
        kind: 'event',
        name: 'backend.connection',
        payload: { state: 'disconnected', restarts: supervisor.restarts },
      });
    });
    unsubscribe = () => offs.forEach((off) => off());
  }

  subscribe(supervisor.client);
  const offClient = supervisor.onClient((client) => subscribe(client));

  function connect(peer: Peer): PeerConnection {
    peers.add(peer);
    const calls = new Map<number, PendingCall<unknown>>();
    const reject = (id: number | null, error: ApiError) =>
      safeSend(peer, { kind: 'response', id, ok: false, error });
    safeSend(peer, {
      kind: 'event',
      name: 'backend.connection',
      payload: { state: 'connected', restarts: supervisor.restarts },
    });

    return {
      receive(text) {
        const size = Buffer.byteLength(text, 'utf8');
        let raw: unknown;
        try {
          raw = JSON.parse(text);
        } catch {
          reject(null, apiError('MALFORMED_MESSAGE', 'The message is not valid JSON.'));
          return;
        }
        if (size > maxBytes) {
          reject(
            peekId(raw),
            apiError('PAYLOAD_TOO_LARGE', `Message of ${size} bytes exceeds the ${maxBytes}-byte limit.`),
          );
          return;
        }
        const parsed = ClientMessageSchema.safeParse(raw);
        if (!parsed.success) {
          reject(peekId(raw), apiError('MALFORMED_MESSAGE', 'Not a valid protocol message.'));
          return;
        }
        const message = parsed.data;
        if (message.kind === 'cancel') {
          calls.get(message.id)?.cancel();
          return;
        }
        const { id } = message;
        if (calls.has(id)) {
          reject(id, apiError('MALFORMED_MESSAGE', `Request id ${id} is already in flight.`));
          return;
        }
        // Method name and params are checked by the backend; the typed client is bypassed on purpose.
        const call = supervisor.client.request(message.method as MethodName, message.params as never);
        calls.set(id, call);
        void call.result.then((result) => {
          if (calls.get(id) !== call) return;
          calls.delete(id);
          if (!peers.has(peer)) return;
          safeSend(
            peer,
            result.ok
              ? { kind: 'response', id, ok: true, result: result.value }
              : { kind: 'response', id, ok: false, error: result.error },
          );
        });
      },
      receiveBinary() {
        reject(null, apiError('MALFORMED_MESSAGE', 'Binary messages are not part of the protocol.'));
      },
      closed() {
        peers.delete(peer);
        for (const call of calls.values()) call.cancel();
        calls.clear();
      },
    };
  }

  return {
    connect,
    get connections() {
      return peers.size;
    },
    dispose() {
      disposed = true;
      offClient();
      unsubscribe();
      peers.clear();
    },
  };
}

function peekId(raw: unknown): number | null {
  if (typeof raw === 'object' && raw !== null && 'id' in raw) {
    const id = (raw as { id: unknown }).id;
    if (typeof id === 'number' && Number.isSafeInteger(id) && id >= 0) return id;
  }
  return null;
}
