/**
 * Preload of every Verbatim window. It runs sandboxed (no Node): it may import only 'electron'
 * and code that electron-vite bundles into this one file (main/api, zod).
 *
 * The page gets exactly one global, `window.verbatim` (a VerbatimApi), through contextBridge
 * (checklist #3: never expose ipcRenderer or Electron objects). Requests and events travel over
 * a MessagePort straight to the backend process; IPC with main is only used to receive ports.
 */
// First: no zod schema may be built before jitless is set (strict CSP, no eval).
import '../api/zod-jitless';
import { contextBridge, ipcRenderer } from 'electron';
import { z } from 'zod';
import { IPC } from './constants';
import { createPortClient } from './port-client';

const PortInfoSchema = z.object({ restarts: z.number().int().min(0) });
const LostInfoSchema = z.object({ restarts: z.number().int().min(0), willRestart: z.boolean() });

const client = createPortClient();

ipcRenderer.on(IPC.port, (event, info: unknown) => {
  const port = event.ports[0];
  const parsed = PortInfoSchema.safeParse(info);
  if (!port || !parsed.success) {
    console.error('verbatim: ignored a malformed backend port message');
    return;
  }
  client.attach(port, parsed.data);
});

ipcRenderer.on(IPC.lost, (_event, info: unknown) => {
  const parsed = LostInfoSchema.safeParse(info);
  if (parsed.success) client.detach(parsed.data);
});

// contextBridge copies what it exposes: plain functions returning promises of plain Result
// objects cross it intact; the API object must not rely on `this` or class instances.
contextBridge.exposeInMainWorld('verbatim', {
  invoke: client.api.invoke,
  request: client.api.request,
  on: client.api.on,
});

ipcRenderer.send(IPC.hello);
