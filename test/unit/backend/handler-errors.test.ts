import { describe, expect, it } from 'vitest';
import {
  ApiException,
  createApiClient,
  createMemoryPair,
  type ClientMessage,
  type ServerMessage,
} from '../../../main/api';
import { createBackendServer, type Handlers } from '../../../main/backend/server';

function serverWith(overrides: Partial<Handlers>) {
  const logs: string[] = [];
  const notUsed = () => {
    throw new Error('not used in this test');
  };
  const handlers = {
    'app.info': notUsed,
    'backend.health': notUsed,
    'backend.ping': notUsed,
    'settings.get': notUsed,
    'settings.set': notUsed,
    ...overrides,
  } as Handlers;
  const server = createBackendServer(handlers, { log: (m) => logs.push(m) });
  const [clientSide, serverSide] = createMemoryPair<ClientMessage, ServerMessage>();
  server.connect(serverSide);
  return { client: createApiClient(clientSide), logs, server };
}

describe('handler failures', () => {
  it('turns an unexpected throw into INTERNAL for that call only', async () => {
    const { client, logs } = serverWith({ 'backend.ping': () => ({ receivedAt: 1 }) });
    expect(await client.invoke('app.info', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(logs.some((l) => l.includes('app.info'))).toBe(true);
    expect(await client.invoke('backend.ping', {})).toEqual({ ok: true, value: { receivedAt: 1 } });
  });

  it('passes an ApiException through with its code', async () => {
    const { client } = serverWith({
      'settings.set': () => {
        throw new ApiException('IO_ERROR', 'disk full');
      },
    });
    expect(await client.invoke('settings.set', { theme: 'dark' })).toEqual({
      ok: false,
      error: { code: 'IO_ERROR', message: 'disk full' },
    });
  });

  it('refuses to return a result that breaks the contract', async () => {
    const { client, logs } = serverWith({ 'backend.ping': () => ({ receivedAt: 'yesterday' }) as never });
    expect(await client.invoke('backend.ping', {})).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
    expect(logs.join('\n')).toContain('breaks the contract');
  });

  it('refuses to emit an event whose payload breaks the contract', async () => {
    const { client, server, logs } = serverWith({});
    const seen: unknown[] = [];
    client.on('settings.changed', (s) => seen.push(s));
    server.emit('settings.changed', { theme: 'neon' } as never);
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([]);
    expect(logs.join('\n')).toContain('invalid');
  });
});
