import type { Transport } from './protocol';

/**
 * Transports that work in any JS environment (Node, Chromium, jsdom). Node-only ones
 * (process IPC, Electron's MessagePortMain) live in main/backend/transports-node.ts.
 */

type Listener<T> = (value: T) => void;

/** A tiny listener registry shared by the transports below. */
export class Listeners<T> {
  private readonly set = new Set<Listener<T>>();
  add(listener: Listener<T>): () => void {
    this.set.add(listener);
    return () => this.set.delete(listener);
  }
  emit(value: T): void {
    for (const listener of [...this.set]) listener(value);
  }
  clear(): void {
    this.set.clear();
  }
}

/**
 * Two connected in-memory endpoints. Messages are structured-cloned and delivered on a later
 * microtask, like a real port, so tests catch non-cloneable payloads and re-entrancy bugs.
 */
export function createMemoryPair<A = unknown, B = unknown>(): [Transport<B, A>, Transport<A, B>] {
  const toA = new Listeners<B>();
  const toB = new Listeners<A>();
  const closeA = new Listeners<void>();
  const closeB = new Listeners<void>();
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    queueMicrotask(() => {
      closeA.emit();
      closeB.emit();
    });
  };
  const endpoint = <In, Out>(inbox: Listeners<In>, outbox: Listeners<Out>, onClose: Listeners<void>) => ({
    send(message: Out) {
      if (closed) throw new Error('transport closed');
      const copy = structuredClone(message);
      queueMicrotask(() => {
        if (!closed) outbox.emit(copy);
      });
    },
    onMessage: (listener: Listener<In>) => inbox.add(listener),
    onClose: (listener: Listener<void>) => onClose.add(listener),
    close,
  });
  return [endpoint<B, A>(toA, toB, closeA), endpoint<A, B>(toB, toA, closeB)];
}

/** Minimal shape of a DOM MessagePort (renderer, preload, worklets). */
export interface DomMessagePortLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  removeEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  start(): void;
  close(): void;
}

/** A transport over a DOM MessagePort. MessagePorts do not report closing, so onClose fires only on close(). */
export function domPortTransport<In = unknown, Out = unknown>(port: DomMessagePortLike): Transport<In, Out> {
  const messages = new Listeners<In>();
  const closes = new Listeners<void>();
  const onEvent = (event: { data: unknown }) => messages.emit(event.data as In);
  port.addEventListener('message', onEvent);
  port.start();
  return {
    send: (message) => port.postMessage(message),
    onMessage: (listener) => messages.add(listener),
    onClose: (listener) => closes.add(listener),
    close() {
      port.removeEventListener('message', onEvent);
      port.close();
      closes.emit();
      closes.clear();
    },
  };
}
