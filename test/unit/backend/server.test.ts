import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createApiClient,
  createMemoryPair,
  MAX_MESSAGE_BYTES,
  type ClientMessage,
  type ResponseMessage,
  type ServerMessage,
  type Transport,
} from '../../../main/api';
import { createBackend, type Backend } from '../../../main/backend/service';

/** A raw client link so tests can send things the typed client never would. */
function rawLink(backend: Backend) {
  const [client, server] = createMemoryPair<unknown, ServerMessage>();
  backend.server.connect(server);
  const inbox: ServerMessage[] = [];
  client.onMessage((m) => inbox.push(m as ServerMessage));
  const nextResponse = async (): Promise<ResponseMessage> => {
    for (let i = 0; i < 200; i++) {
      const index = inbox.findIndex((m) => m.kind === 'response');
      if (index >= 0) return inbox.splice(index, 1)[0] as ResponseMessage;
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error('no response');
  };
  return {
    send: (m: unknown) => client.send(m),
    nextResponse,
    client: client as Transport<unknown, unknown>,
  };
}

describe('backend server', () => {
  let dir: string;
  let backend: Backend;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verbatim-server-'));
    backend = await createBackend({ dataDir: dir, host: 'in-process', appVersion: '1.2.3' });
  });
  afterEach(async () => {
    await backend.shutdown();
    await rm(dir, { recursive: true, force: true });
  });

  it('answers a valid request', async () => {
    const link = rawLink(backend);
    link.send({ kind: 'request', id: 1, method: 'app.info', params: {} });
    const reply = await link.nextResponse();
    expect(reply).toMatchObject({
      id: 1,
      ok: true,
      result: { name: 'Verbatim', version: '1.2.3', host: 'in-process' },
    });
  });

  it.each([
    ['a string', 'hello'],
    ['null', null],
    ['an array', [1, 2]],
    ['a wrong kind', { kind: 'launch', id: 3 }],
    ['a missing method', { kind: 'request', id: 4, params: {} }],
    ['a negative id', { kind: 'request', id: -1, method: 'app.info', params: {} }],
    ['a non-integer id', { kind: 'request', id: 1.5, method: 'app.info', params: {} }],
    ['extra envelope keys', { kind: 'request', id: 5, method: 'app.info', params: {}, evil: true }],
  ])('rejects %s with MALFORMED_MESSAGE and keeps serving', async (_label, message) => {
    const link = rawLink(backend);
    link.send(message);
    const reply = await link.nextResponse();
    expect(reply.ok).toBe(false);
    if (!reply.ok) expect(reply.error.code).toBe('MALFORMED_MESSAGE');
    link.send({ kind: 'request', id: 99, method: 'backend.health', params: {} });
    expect(await link.nextResponse()).toMatchObject({ id: 99, ok: true });
  });

  it('echoes the id of a malformed request when it can read one', async () => {
    const link = rawLink(backend);
    link.send({ kind: 'request', id: 7, method: 42 });
    expect(await link.nextResponse()).toMatchObject({
      id: 7,
      ok: false,
      error: { code: 'MALFORMED_MESSAGE' },
    });
  });

  it('rejects an unknown method with UNKNOWN_METHOD', async () => {
    const link = rawLink(backend);
    link.send({ kind: 'request', id: 2, method: 'system.exec', params: { cmd: 'rm -rf /' } });
    expect(await link.nextResponse()).toMatchObject({ id: 2, ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('does not treat prototype keys as methods', async () => {
    const link = rawLink(backend);
    link.send({ kind: 'request', id: 3, method: 'constructor', params: {} });
    expect(await link.nextResponse()).toMatchObject({ id: 3, ok: false, error: { code: 'UNKNOWN_METHOD' } });
    link.send({ kind: 'request', id: 4, method: '__proto__', params: {} });
    expect(await link.nextResponse()).toMatchObject({ id: 4, ok: false, error: { code: 'UNKNOWN_METHOD' } });
  });

  it('rejects wrong-typed params with INVALID_PARAMS naming the field, and changes nothing', async () => {
    const client = createApiClient(rawLink(backend).client as Transport<unknown, ClientMessage>);
    const before = await client.invoke('settings.get', {});
    const bad = await client.invoke('settings.set', { confidenceThreshold: 'high' } as never);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error.code).toBe('INVALID_PARAMS');
      expect(JSON.stringify(bad.error.details)).toContain('confidenceThreshold');
    }
    const outOfRange = await client.invoke('settings.set', { confidenceThreshold: 1.5 });
    expect(outOfRange.ok).toBe(false);
    const unknownKey = await client.invoke('settings.set', { shell: '/bin/sh' } as never);
    expect(unknownKey.ok).toBe(false);
    expect(await client.invoke('settings.get', {})).toEqual(before);
  });

  it('rejects an oversized message with PAYLOAD_TOO_LARGE and keeps serving', async () => {
    const link = rawLink(backend);
    link.send({
      kind: 'request',
      id: 11,
      method: 'backend.ping',
      params: { payload: 'x'.repeat(MAX_MESSAGE_BYTES + 10) },
    });
    expect(await link.nextResponse()).toMatchObject({
      id: 11,
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE' },
    });
    link.send({ kind: 'request', id: 12, method: 'backend.ping', params: { payload: 'small' } });
    expect(await link.nextResponse()).toMatchObject({ id: 12, ok: true, result: { payload: 'small' } });
  });

  it('refuses a second request with an id already in flight', async () => {
    const link = rawLink(backend);
    link.send({ kind: 'request', id: 5, method: 'backend.ping', params: { delayMs: 200 } });
    link.send({ kind: 'request', id: 5, method: 'backend.ping', params: {} });
    expect(await link.nextResponse()).toMatchObject({
      id: 5,
      ok: false,
      error: { code: 'MALFORMED_MESSAGE' },
    });
    expect(await link.nextResponse()).toMatchObject({ id: 5, ok: true });
  });

  it('cancels a request in flight', async () => {
    const client = createApiClient(rawLink(backend).client as Transport<unknown, ClientMessage>);
    const started = Date.now();
    const call = client.request('backend.ping', { delayMs: 10_000 });
    setTimeout(() => call.cancel(), 20);
    const result = await call.result;
    expect(result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(Date.now() - started).toBeLessThan(5000);
    // The backend aborted the handler too: nothing is left in flight.
    for (let i = 0; i < 50 && backend.server.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(backend.server.inFlight).toBe(0);
  });

  it('times out on the client and tells the backend to stop', async () => {
    const client = createApiClient(rawLink(backend).client as Transport<unknown, ClientMessage>);
    const result = await client.invoke('backend.ping', { delayMs: 10_000 }, { timeoutMs: 30 });
    expect(result).toMatchObject({ ok: false, error: { code: 'TIMEOUT' } });
    for (let i = 0; i < 50 && backend.server.inFlight > 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(backend.server.inFlight).toBe(0);
  });

  it('broadcasts settings.changed to every connection', async () => {
    const a = createApiClient(rawLink(backend).client as Transport<unknown, ClientMessage>);
    const b = createApiClient(rawLink(backend).client as Transport<unknown, ClientMessage>);
    const seen: number[] = [];
    b.on('settings.changed', (s) => seen.push(s.confidenceThreshold));
    const result = await a.invoke('settings.set', { confidenceThreshold: 0.75 });
    expect(result).toMatchObject({ ok: true, value: { confidenceThreshold: 0.75 } });
    await new Promise((r) => setTimeout(r, 10));
    expect(seen).toEqual([0.75]);
  });

  it('fails calls in flight when shutting down and refuses new ones', async () => {
    const client = createApiClient(rawLink(backend).client as Transport<unknown, ClientMessage>);
    const slow = client.invoke('backend.ping', { delayMs: 10_000 });
    await new Promise((r) => setTimeout(r, 10));
    const stopped = backend.shutdown();
    expect(await slow).toMatchObject({ ok: false });
    await stopped;
  });
});

describe('settings.set', () => {
  it('changes only the fields in the patch', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'verbatim-patch-'));
    const backend = await createBackend({ dataDir: dir, host: 'in-process', appVersion: '1' });
    const client = createApiClient(rawLink(backend).client as Transport<unknown, ClientMessage>);
    await client.invoke('settings.set', { confidenceThreshold: 0.8 });
    const after = await client.invoke('settings.set', { theme: 'dark' });
    expect(after).toMatchObject({ ok: true, value: { confidenceThreshold: 0.8, theme: 'dark' } });
    await backend.shutdown();
    await rm(dir, { recursive: true, force: true });
  });
});
