import { describe, expect, it, vi } from 'vitest';
import {
  createApiClient,
  createMemoryPair,
  DEFAULT_SETTINGS,
  type ClientMessage,
  type ServerMessage,
  type Transport,
} from '../../../main/api';

function pair() {
  const [client, server] = createMemoryPair<ClientMessage, ServerMessage>();
  const received: ClientMessage[] = [];
  server.onMessage((m) => received.push(m));
  return { api: createApiClient(client), server, received, client };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('api client', () => {
  it('matches replies to requests by id, whatever the order', async () => {
    const { api, server, received } = pair();
    const a = api.invoke('backend.ping', { payload: 'a' });
    const b = api.invoke('backend.ping', { payload: 'b' });
    await tick();
    const [ra, rb] = received as Array<Extract<ClientMessage, { kind: 'request' }>>;
    server.send({ kind: 'response', id: rb!.id, ok: true, result: { payload: 'B', receivedAt: 2 } });
    server.send({ kind: 'response', id: ra!.id, ok: true, result: { payload: 'A', receivedAt: 1 } });
    expect(await a).toEqual({ ok: true, value: { payload: 'A', receivedAt: 1 } });
    expect(await b).toEqual({ ok: true, value: { payload: 'B', receivedAt: 2 } });
  });

  it('fails calls in flight when the link closes, and later calls at once', async () => {
    const { api, client } = pair();
    const pending = api.invoke('settings.get', {});
    client.close();
    expect(await pending).toMatchObject({ ok: false, error: { code: 'BACKEND_UNAVAILABLE' } });
    expect(await api.invoke('settings.get', {})).toMatchObject({
      ok: false,
      error: { code: 'BACKEND_UNAVAILABLE' },
    });
    expect(api.pendingCount).toBe(0);
  });

  it('turns a send failure into BACKEND_UNAVAILABLE instead of throwing', async () => {
    const broken: Transport<unknown, ClientMessage> = {
      send: () => {
        throw new Error('port closed');
      },
      onMessage: () => () => undefined,
      onClose: () => () => undefined,
      close: () => undefined,
    };
    const result = await createApiClient(broken).invoke('app.info', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'BACKEND_UNAVAILABLE' } });
  });

  it('ignores events outside the contract and keeps delivering after a listener throws', async () => {
    const { api, server } = pair();
    const spy = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const seen: string[] = [];
    api.on('settings.changed', () => {
      throw new Error('buggy listener');
    });
    api.on('settings.changed', (s) => seen.push(s.theme));
    server.send({ kind: 'event', name: 'system.takeover', payload: {} });
    server.send({ kind: 'event', name: 'settings.changed', payload: { ...DEFAULT_SETTINGS, theme: 'dark' } });
    await tick();
    expect(seen).toEqual(['dark']);
    spy.mockRestore();
  });

  it('stops delivering to an unsubscribed listener', async () => {
    const { api, server } = pair();
    const seen: unknown[] = [];
    const off = api.on('settings.changed', (s) => seen.push(s));
    off();
    server.send({ kind: 'event', name: 'settings.changed', payload: DEFAULT_SETTINGS });
    await tick();
    expect(seen).toEqual([]);
  });

  it('drops a late reply to a cancelled call', async () => {
    const { api, server, received } = pair();
    const call = api.request('backend.ping', { delayMs: 1000 });
    await tick();
    call.cancel();
    expect(await call.result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    await tick();
    expect(received.map((m) => m.kind)).toEqual(['request', 'cancel']);
    server.send({ kind: 'response', id: received[0]!.id, ok: true, result: { receivedAt: 1 } });
    await tick();
    expect(api.pendingCount).toBe(0);
  });
});
