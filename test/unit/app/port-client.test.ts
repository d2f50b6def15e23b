import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPortClient } from '../../../main/app/port-client';
import { startRealBackend, type RealBackend } from './real-backend';

describe('createPortClient', () => {
  let real: RealBackend;
  beforeEach(async () => {
    real = await startRealBackend();
  });
  afterEach(async () => {
    vi.useRealTimers();
    await real.dispose();
  });

  it('queues calls made before the first port and delivers them once it arrives', async () => {
    const client = createPortClient();
    const early = client.api.invoke('backend.ping', { payload: 'early' });
    expect(client.queued).toBe(1);
    client.attach(real.connect(), { restarts: 0 });
    expect(await early).toMatchObject({ ok: true, value: { payload: 'early' } });
    expect(client.queued).toBe(0);
  });

  it('announces the connection and later restarts through backend.connection', async () => {
    const client = createPortClient();
    const states: unknown[] = [];
    client.api.on('backend.connection', (payload) => states.push(payload));
    client.attach(real.connect(), { restarts: 0 });
    client.detach({ restarts: 1, willRestart: true });
    client.attach(real.connect(), { restarts: 1 });
    expect(states).toEqual([
      { state: 'connected', restarts: 0 },
      { state: 'disconnected', restarts: 1 },
      { state: 'restarted', restarts: 1 },
    ]);
  });

  it('fails calls in flight with BACKEND_UNAVAILABLE when the port is replaced, and keeps listeners', async () => {
    const client = createPortClient();
    client.attach(real.connect(), { restarts: 0 });
    const changed: unknown[] = [];
    client.api.on('settings.changed', (settings) => changed.push(settings.fontScale));

    const slow = client.api.invoke('backend.ping', { delayMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 20)); // let the request reach the backend
    client.attach(real.connect(), { restarts: 1 });
    expect(await slow).toMatchObject({ ok: false, error: { code: 'BACKEND_UNAVAILABLE' } });

    // The listener registered before the swap hears events from the new connection.
    expect(await client.api.invoke('settings.set', { fontScale: 1.5 })).toMatchObject({ ok: true });
    await vi.waitFor(() => expect(changed).toEqual([1.5]));
  });

  it('stops queueing and fails fast once the backend will not restart', async () => {
    const client = createPortClient();
    const queued = client.api.invoke('app.info', {});
    client.detach({ restarts: 5, willRestart: false });
    expect(await queued).toMatchObject({ ok: false, error: { code: 'BACKEND_UNAVAILABLE' } });
    expect(await client.api.invoke('app.info', {})).toMatchObject({
      ok: false,
      error: { code: 'BACKEND_UNAVAILABLE' },
    });
  });

  it('lets a queued call be cancelled or time out', async () => {
    vi.useFakeTimers();
    const client = createPortClient({ queueTimeoutMs: 1000 });
    const cancelled = client.api.request('app.info', {});
    cancelled.cancel();
    expect(await cancelled.result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });

    const timed = client.api.invoke('app.info', {}, { timeoutMs: 200 });
    const waited = client.api.invoke('app.info', {});
    await vi.advanceTimersByTimeAsync(200);
    expect(await timed).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    await vi.advanceTimersByTimeAsync(800);
    expect(await waited).toMatchObject({ ok: false, error: { code: 'BACKEND_UNAVAILABLE' } });
    expect(client.queued).toBe(0);
  });

  it('isolates a throwing listener from the others', () => {
    const client = createPortClient();
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const heard = vi.fn();
    client.api.on('backend.connection', () => {
      throw new Error('boom');
    });
    client.api.on('backend.connection', heard);
    client.attach(real.connect(), { restarts: 0 });
    expect(heard).toHaveBeenCalled();
    error.mockRestore();
  });
});
