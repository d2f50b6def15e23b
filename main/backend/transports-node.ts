import type { ChildProcess } from 'node:child_process';
import { Listeners, type Transport } from '../api';

/**
 * Transport over Node's process IPC channel: the child side (`process`) or the parent side
 * (a ChildProcess). Fork with `serialization: 'advanced'` so typed arrays (audio) survive.
 */
export function processTransport<In = unknown, Out = unknown>(
  proc: NodeJS.Process | ChildProcess,
): Transport<In, Out> {
  const messages = new Listeners<In>();
  const closes = new Listeners<void>();
  const onMessage = (message: unknown) => messages.emit(message as In);
  const onClose = () => closes.emit();
  proc.on('message', onMessage);
  proc.on('disconnect', onClose);
  return {
    send(message) {
      if (!proc.send || !proc.connected) throw new Error('IPC channel is closed');
      proc.send(message as never);
    },
    onMessage: (listener) => messages.add(listener),
    onClose: (listener) => closes.add(listener),
    close() {
      proc.off('message', onMessage);
      proc.off('disconnect', onClose);
      closes.emit();
      closes.clear();
    },
  };
}

/**
 * Structural type of Electron's MessagePortMain (utility process and main process side),
 * declared here so this module never imports 'electron'.
 */
export interface MessagePortMainLike {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  off(event: 'message', listener: (event: { data: unknown }) => void): unknown;
  off(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

export function messagePortMainTransport<In = unknown, Out = unknown>(
  port: MessagePortMainLike,
): Transport<In, Out> {
  const messages = new Listeners<In>();
  const closes = new Listeners<void>();
  const onMessage = (event: { data: unknown }) => messages.emit(event.data as In);
  const onClose = () => closes.emit();
  port.on('message', onMessage);
  port.on('close', onClose);
  port.start();
  return {
    send: (message) => port.postMessage(message),
    onMessage: (listener) => messages.add(listener),
    onClose: (listener) => closes.add(listener),
    close() {
      port.off('message', onMessage);
      port.close();
    },
  };
}
