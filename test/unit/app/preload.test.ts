import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { VerbatimApi } from '../../../main/api';
import type { FakeElectron } from './fake-electron';
import { startRealBackend, type RealBackend } from './real-backend';

vi.mock('electron', () => import('./fake-electron'));

/** Loads a fresh copy of the preload against the fake electron module. */
async function loadPreload() {
  vi.resetModules();
  const electron = (await import('electron')) as unknown as FakeElectron;
  electron.resetFake();
  await import('../../../main/app/preload');
  const [key, api] = electron.contextBridge.exposeInMainWorld.mock.calls.at(-1)! as [string, VerbatimApi];
  const deliverPort = (port: unknown, info: unknown = { restarts: 0 }) =>
    electron.ipcRenderer.emit('verbatim:port', { ports: [port] }, info);
  return { electron, key, api, deliverPort };
}

describe('preload', () => {
  let real: RealBackend;
  beforeEach(async () => {
    real = await startRealBackend();
  });
  afterEach(() => real.dispose());

  it('exposes only window.verbatim with invoke, request and on', async () => {
    const { electron, key, api } = await loadPreload();
    expect(electron.contextBridge.exposeInMainWorld).toHaveBeenCalledTimes(1);
    expect(key).toBe('verbatim');
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on', 'request']);
    expect(Object.values(api).every((value) => typeof value === 'function')).toBe(true);
  });

  it('asks main for a port on load', async () => {
    const { electron } = await loadPreload();
    expect(electron.ipcRenderer.send).toHaveBeenCalledWith('verbatim:hello');
  });

  it('round-trips a call through the port to the real backend', async () => {
    const { api, deliverPort } = await loadPreload();
    const early = api.invoke('backend.ping', { payload: 'before the port' });
    deliverPort(real.connect());
    expect(await early).toMatchObject({ ok: true, value: { payload: 'before the port' } });
    const info = await api.invoke('app.info', {});
    expect(info).toMatchObject({ ok: true, value: { name: 'Verbatim', version: '9.9.9' } });
    const bad = await api.invoke('backend.ping', { delayMs: -1 });
    expect(bad).toMatchObject({ ok: false, error: { code: 'INVALID_PARAMS' } });
  });

  it('swaps to the new port after a backend restart and tells the page', async () => {
    const { api, deliverPort, electron } = await loadPreload();
    const states: unknown[] = [];
    api.on('backend.connection', (payload) => states.push(payload));
    deliverPort(real.connect());
    const inFlight = api.invoke('backend.ping', { delayMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 20));

    electron.ipcRenderer.emit('verbatim:backend-lost', {}, { restarts: 1, willRestart: true });
    expect(await inFlight).toMatchObject({ ok: false, error: { code: 'BACKEND_UNAVAILABLE' } });
    const queued = api.invoke('backend.ping', { payload: 'after restart' });
    deliverPort(real.connect(), { restarts: 1 });
    expect(await queued).toMatchObject({ ok: true, value: { payload: 'after restart' } });
    expect(states).toEqual([
      { state: 'connected', restarts: 0 },
      { state: 'disconnected', restarts: 1 },
      { state: 'restarted', restarts: 1 },
    ]);
  });

  it('ignores malformed port messages from IPC', async () => {
    const { api, electron, deliverPort } = await loadPreload();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const states: unknown[] = [];
    api.on('backend.connection', (payload) => states.push(payload));
    electron.ipcRenderer.emit('verbatim:port', { ports: [] }, { restarts: 0 });
    deliverPort(real.connect(), { restarts: -1 });
    deliverPort(real.connect(), 'nonsense');
    electron.ipcRenderer.emit('verbatim:backend-lost', {}, { restarts: 'x' });
    expect(states).toEqual([]);
    expect(error).toHaveBeenCalledTimes(3);
    error.mockRestore();
    // Still waiting for a valid port: a call is queued, not failed.
    const pending = api.invoke('backend.ping', {});
    deliverPort(real.connect());
    expect(await pending).toMatchObject({ ok: true });
  });
});
