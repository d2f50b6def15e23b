import { z } from 'zod';
import { ApiErrorSchema } from './errors';

/**
 * Wire protocol shared by every transport (in-process, child_process.fork, Electron MessagePort,
 * the dev WebSocket bridge). Messages are plain data so they survive JSON and structured clone.
 *
 *   client -> backend : request { id, method, params } | cancel { id }
 *   backend -> client : response { id, ok, result | error } | event { name, payload }
 *
 * Request ids are chosen by the client and are unique per connection.
 */
export const PROTOCOL_VERSION = 1;

/** Largest request the backend accepts, measured as UTF-8 JSON. Audio does not use requests. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

const RequestId = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);

export const RequestMessageSchema = z
  .object({
    kind: z.literal('request'),
    id: RequestId,
    method: z.string().min(1).max(100),
    params: z.unknown(),
  })
  .strict();
export type RequestMessage = z.infer<typeof RequestMessageSchema>;

export const CancelMessageSchema = z.object({ kind: z.literal('cancel'), id: RequestId }).strict();
export type CancelMessage = z.infer<typeof CancelMessageSchema>;

export const ClientMessageSchema = z.discriminatedUnion('kind', [RequestMessageSchema, CancelMessageSchema]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;

export const ResponseMessageSchema = z.union([
  z.object({ kind: z.literal('response'), id: RequestId, ok: z.literal(true), result: z.unknown() }),
  z.object({
    kind: z.literal('response'),
    id: RequestId.nullable(),
    ok: z.literal(false),
    error: ApiErrorSchema,
  }),
]);
export type ResponseMessage = z.infer<typeof ResponseMessageSchema>;

export const EventMessageSchema = z.object({
  kind: z.literal('event'),
  name: z.string(),
  payload: z.unknown(),
});
export type EventMessage = z.infer<typeof EventMessageSchema>;

export type ServerMessage = ResponseMessage | EventMessage;

/**
 * A bidirectional message link. Implementations: MessagePort (Electron), process IPC (fork),
 * WebSocket (dev bridge), and an in-memory pair (tests).
 */
export interface Transport<In = unknown, Out = unknown> {
  send(message: Out): void;
  /** Subscribes to incoming messages; returns an unsubscribe function. */
  onMessage(listener: (message: In) => void): () => void;
  /** Subscribes to the link closing (peer exit, socket closed). */
  onClose(listener: () => void): () => void;
  close(): void;
}

/**
 * Size of a message as UTF-8 JSON, stopping early once `limit` is exceeded would need a custom
 * serializer; JSON.stringify is fast enough at the 1 MiB limit and tells the truth for every
 * transport we use (WebSocket sends JSON; structured clone of plain data is of the same order).
 * Returns Infinity for values JSON cannot represent (cycles, BigInt).
 */
export function jsonByteLength(value: unknown): number {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? 0 : utf8Length(text);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

// TextEncoder exists in Node and browsers; avoids a Node-only Buffer import in shared code.
const encoder = new TextEncoder();
function utf8Length(text: string): number {
  // Fast path: ASCII-only text has one byte per code unit.
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(text)) return text.length;
  return encoder.encode(text).byteLength;
}
