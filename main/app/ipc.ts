import type { IpcMain, IpcMainEvent } from 'electron';
import { IPC } from './constants';
import { isAppUrl, type OriginPolicy } from './origins';

/**
 * The only IPC main listens to: a page asking for its backend port. Everything else goes over
 * that port to the backend, which validates every message itself.
 */

export interface SenderLike {
  senderFrame: { url: string; parent: unknown } | null;
}

/**
 * Checklist #17 (validate the sender of all IPC messages): only our own page's top-level frame
 * may ask. A subframe or a page that navigated elsewhere gets nothing; senderFrame is null once
 * the frame has navigated away or been destroyed.
 */
export function isTrustedSender(event: SenderLike, trusted: OriginPolicy = isAppUrl): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame.parent === null && trusted(frame.url);
}

export interface IpcWiring {
  ipcMain: Pick<IpcMain, 'on' | 'off'>;
  /** Called with the sending webContents once the sender is validated. */
  onHello(sender: IpcMainEvent['sender']): void;
  trusted?: OriginPolicy;
  log?: (message: string) => void;
}

/** Returns a function that removes the listener. */
export function registerIpc(wiring: IpcWiring): () => void {
  const log = wiring.log ?? ((message: string) => console.warn(`[ipc] ${message}`));
  const listener = (event: IpcMainEvent) => {
    if (!isTrustedSender(event, wiring.trusted)) {
      log(`refused '${IPC.hello}' from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
      return;
    }
    wiring.onHello(event.sender);
  };
  wiring.ipcMain.on(IPC.hello, listener);
  return () => wiring.ipcMain.off(IPC.hello, listener);
}
