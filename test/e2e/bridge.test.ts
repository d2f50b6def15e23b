/**
 * The dev/test web bridge without a browser: who may connect, what it serves, and that the
 * socket speaks the protocol to the real (forked, supervised) backend.
 */
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MAX_MESSAGE_BYTES } from '../../main/api';
import { createBridgeApi, type SocketLike } from '../../main/devweb/bridge-api';
import { startDevWebServer, type DevWebServer } from '../../main/devweb/server';
import {
  isEvent,
  isResponseTo,
  makeTempDir,
  openSocket,
  rawGet,
  removeDir,
  socketUrl,
  upgradeOutcome,
  type TestSocket,
} from './helpers';

const SECRET = 'top-secret-outside-the-renderer-dir';
const APP_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self' ws://127.0.0.1:*; object-src 'none'";
const INDEX_HTML = `<!doctype html>
<html>
  <head>
    <meta http-equiv="Content-Security-Policy" content="${APP_POLICY}" />
    <script type="module" src="./assets/app.js"></script>
    <link rel="stylesheet" href="./assets/app.css" />
  </head>
  <body><div id="root"></div></body>
</html>
`;

let root: string;
let dataDir: string;
let server: DevWebServer;
let origin: string;
const sockets: TestSocket[] = [];

async function open(): Promise<TestSocket> {
  const socket = await openSocket(socketUrl(server.url, server.token), origin);
  sockets.push(socket);
  // Every connection is greeted with the backend's state.
  await socket.next(isEvent('backend.connection', 'connected'));
  return socket;
}

beforeAll(async () => {
  // A stand-in renderer build, with a secret beside it (not under it) for the traversal tests.
  root = await makeTempDir('bridge');
  const rendererDir = join(root, 'renderer');
  dataDir = join(root, 'data');
  await mkdir(join(rendererDir, 'assets'), { recursive: true });
  await writeFile(join(rendererDir, 'index.html'), INDEX_HTML);
  await writeFile(join(rendererDir, 'assets', 'app.js'), 'console.log("app");\n');
  await writeFile(join(rendererDir, 'assets', 'app.css'), 'body { margin: 0; }\n');
  await writeFile(join(root, 'secret.txt'), SECRET);
  await writeFile(join(root, 'package.json'), `{"name":"${SECRET}"}`);
  await symlink(join(root, 'secret.txt'), join(rendererDir, 'assets', 'link.txt'));
  server = await startDevWebServer({ rendererDir, dataDir, log: () => undefined });
  origin = new URL(server.url).origin;
});

afterAll(async () => {
  await Promise.all(sockets.map((socket) => socket.close()));
  await server?.close();
  await removeDir(root);
});

describe('listening', () => {
  it('binds to 127.0.0.1 only', async () => {
    const { hostname, port } = new URL(server.url);
    expect(hostname).toBe('127.0.0.1');
    const reachable = (host: string) =>
      new Promise<boolean>((resolve) => {
        const socket = connect({ host, port: Number(port) });
        socket.once('connect', () => {
          socket.destroy();
          resolve(true);
        });
        socket.once('error', () => resolve(false));
      });
    expect(await reachable('127.0.0.1')).toBe(true);
    expect(await reachable('::1')).toBe(false);
    const external = Object.values(networkInterfaces())
      .flat()
      .find((info) => info && info.family === 'IPv4' && !info.internal);
    if (external) expect(await reachable(external.address)).toBe(false);
  });

  it('refuses requests addressed to another host name (DNS rebinding)', async () => {
    const response = await rawGet(server.url, '/', { Host: `evil.example:${new URL(server.url).port}` });
    expect(response.status).toBe(421);
    expect(response.body).not.toContain(server.token);
  });
});

describe('serving the renderer', () => {
  it('injects the bridge script before the app module script, with a strict CSP header', async () => {
    const response = await rawGet(server.url, '/');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    const bridgeAt = response.body.indexOf(
      `<script src="/__verbatim/bridge.js?token=${server.token}"></script>`,
    );
    const appAt = response.body.indexOf('<script type="module" src="./assets/app.js">');
    expect(bridgeAt).toBeGreaterThan(0);
    expect(bridgeAt).toBeLessThan(appAt);

    const policy = String(response.headers['content-security-policy']);
    const port = new URL(server.url).port;
    expect(policy).toContain(`connect-src 'self' ws://127.0.0.1:${port};`);
    expect(policy).toContain("script-src 'self';");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).not.toContain('unsafe-inline');
    expect(policy).not.toContain('127.0.0.1:*');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });

  it('serves the bundled bridge and assets with their MIME types', async () => {
    const bridge = await rawGet(server.url, '/__verbatim/bridge.js?token=x');
    expect(bridge.status).toBe(200);
    expect(bridge.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(bridge.body).toContain('verbatim');
    expect(bridge.body).not.toContain(server.token);
    expect((await rawGet(server.url, '/assets/app.js')).headers['content-type']).toBe(
      'text/javascript; charset=utf-8',
    );
    expect((await rawGet(server.url, '/assets/app.css')).headers['content-type']).toBe(
      'text/css; charset=utf-8',
    );
    expect((await rawGet(server.url, '/assets/missing.js')).status).toBe(404);
  });

  it.each([
    '/../package.json',
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E/package.json',
    '/%2e%2e%2fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/assets/%2e%2e%5c%2e%2e%5csecret.txt',
    '/assets/link.txt',
    '/%00/secret.txt',
    '/%',
  ])('refuses %s', async (target) => {
    const response = await rawGet(server.url, target);
    expect([400, 403, 404]).toContain(response.status);
    expect(response.body).not.toContain(SECRET);
  });

  it('only answers GET and HEAD', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(new URL('/index.html', server.url), { method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end('x');
    });
    expect(status).toBe(405);
  });
});

describe('who may open the socket', () => {
  it('refuses a socket without the token or with a wrong one', async () => {
    expect(await upgradeOutcome(socketUrl(server.url), origin)).toBe(401);
    expect(await upgradeOutcome(socketUrl(server.url, ''), origin)).toBe(401);
    expect(await upgradeOutcome(socketUrl(server.url, server.token.slice(0, -1)), origin)).toBe(401);
    expect(await upgradeOutcome(socketUrl(server.url, server.token + 'x'), origin)).toBe(401);
  });

  it('refuses a socket from another origin, or with no Origin', async () => {
    const url = socketUrl(server.url, server.token);
    expect(await upgradeOutcome(url, 'http://evil.example')).toBe(403);
    expect(await upgradeOutcome(url, `http://localhost:${new URL(server.url).port}`)).toBe(403);
    expect(await upgradeOutcome(url, undefined)).toBe(403);
  });

  it('refuses other paths', async () => {
    const url = socketUrl(server.url, server.token).replace('/__verbatim/ws', '/ws');
    expect(await upgradeOutcome(url, origin)).toBe(404);
  });

  it('accepts the right token from its own origin', async () => {
    expect(await upgradeOutcome(socketUrl(server.url, server.token), origin)).toBe('opened');
  });
});

describe('the protocol over the socket', () => {
  it('answers invalid JSON with MALFORMED_MESSAGE and keeps serving', async () => {
    const socket = await open();
    socket.sendRaw('{"kind":"request",');
    const reply = await socket.next(isResponseTo(null));
    expect(reply).toMatchObject({ ok: false, error: { code: 'MALFORMED_MESSAGE' } });

    socket.send({ kind: 'request', id: 7, method: 'backend.ping', params: 'not an object', extra: 1 });
    expect(await socket.next(isResponseTo(7))).toMatchObject({
      ok: false,
      error: { code: 'MALFORMED_MESSAGE' },
    });
    socket.sendRaw(Buffer.from([1, 2, 3]));
    await socket.next((m) => m.kind === 'response' && m.id === null && m !== reply);

    socket.send({ kind: 'request', id: 8, method: 'backend.ping', params: { payload: 'still here' } });
    expect(await socket.next(isResponseTo(8))).toMatchObject({ ok: true, result: { payload: 'still here' } });
    expect(socket.ws.readyState).toBe(WebSocket.OPEN);
  });

  it('passes the backend validation errors through', async () => {
    const socket = await open();
    socket.send({ kind: 'request', id: 1, method: 'no.such.method', params: {} });
    socket.send({ kind: 'request', id: 2, method: 'settings.set', params: { confidenceThreshold: 7 } });
    expect(await socket.next(isResponseTo(1))).toMatchObject({
      ok: false,
      error: { code: 'UNKNOWN_METHOD' },
    });
    expect(await socket.next(isResponseTo(2))).toMatchObject({
      ok: false,
      error: { code: 'INVALID_PARAMS' },
    });
  });

  it('caps message size', async () => {
    const socket = await open();
    const payload = 'x'.repeat(MAX_MESSAGE_BYTES);
    socket.send({ kind: 'request', id: 3, method: 'backend.ping', params: { payload } });
    expect(await socket.next(isResponseTo(3))).toMatchObject({
      ok: false,
      error: { code: 'PAYLOAD_TOO_LARGE' },
    });
    // Far over the limit the socket is closed before the message is buffered.
    const closed = new Promise<number>((resolve) => socket.ws.once('close', (code) => resolve(code)));
    socket.sendRaw('x'.repeat(3 * MAX_MESSAGE_BYTES));
    expect(await closed).toBe(1009);
  });

  it('keeps request ids per socket: two sockets may use the same id', async () => {
    const [a, b] = [await open(), await open()];
    a.send({ kind: 'request', id: 1, method: 'backend.ping', params: { payload: 'a', delayMs: 50 } });
    b.send({ kind: 'request', id: 1, method: 'backend.ping', params: { payload: 'b' } });
    expect(await a.next(isResponseTo(1))).toMatchObject({ ok: true, result: { payload: 'a' } });
    expect(await b.next(isResponseTo(1))).toMatchObject({ ok: true, result: { payload: 'b' } });
  });

  it('cancels a request', async () => {
    const socket = await open();
    const started = Date.now();
    socket.send({ kind: 'request', id: 4, method: 'backend.ping', params: { delayMs: 30_000 } });
    socket.send({ kind: 'cancel', id: 4 });
    expect(await socket.next(isResponseTo(4))).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('round-trips settings.set, persists it and tells every socket', async () => {
    const [writer, watcher] = [await open(), await open()];
    writer.send({
      kind: 'request',
      id: 10,
      method: 'settings.set',
      params: { confidenceThreshold: 0.73, theme: 'dark' },
    });
    const reply = await writer.next(isResponseTo(10));
    expect(reply).toMatchObject({ ok: true, result: { confidenceThreshold: 0.73, theme: 'dark' } });
    const changed = await watcher.next(isEvent('settings.changed'));
    expect(changed.payload).toMatchObject({ confidenceThreshold: 0.73, theme: 'dark' });

    watcher.send({ kind: 'request', id: 11, method: 'settings.get', params: {} });
    expect(await watcher.next(isResponseTo(11))).toMatchObject({
      ok: true,
      result: { confidenceThreshold: 0.73 },
    });
    const onDisk = JSON.parse(await readFile(join(dataDir, 'settings.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(onDisk).toMatchObject({ confidenceThreshold: 0.73, theme: 'dark' });
  });
});

describe('the browser-side API (bridge-api) over the real socket', () => {
  it('queues calls made before the socket opens, reconnects after a drop, and survives a backend restart', async () => {
    const opened: WebSocket[] = [];
    const api = createBridgeApi({
      connect: () => {
        const ws = new WebSocket(socketUrl(server.url, server.token), { origin });
        opened.push(ws);
        return ws as unknown as SocketLike;
      },
      reconnectDelayMs: () => 20,
      log: () => undefined,
    });
    const states: string[] = [];
    const offConnection = api.on('backend.connection', (payload) =>
      states.push(`${payload.state}:${payload.restarts}`),
    );
    try {
      // Called synchronously, before the socket is open.
      const first = await api.invoke('backend.health', {});
      expect(first.ok).toBe(true);
      const firstPid = first.ok ? first.value.pid : -1;
      expect(firstPid).toBe(server.supervisor.current.pid);

      // The link drops (not the backend): the facade reconnects and calls work again.
      opened[0]!.terminate();
      await waitFor(() => states.includes('disconnected:0') && opened.length === 2);
      const again = await api.invoke('backend.ping', { payload: 'after reconnect' });
      expect(again).toMatchObject({ ok: true, value: { payload: 'after reconnect' } });

      // The backend crashes: listeners hear it, and the next call reaches the new process.
      const restartsBefore = server.supervisor.restarts;
      await server.supervisor.crashForTest();
      await waitFor(() => states.includes(`restarted:${restartsBefore + 1}`));
      const after = await api.invoke('backend.health', {});
      expect(after.ok && after.value.pid).not.toBe(firstPid);
      expect(after.ok && after.value.pid).toBe(server.supervisor.current.pid);
      // Settings written before the crash were read back by the new process.
      expect(await api.invoke('settings.get', {})).toMatchObject({
        ok: true,
        value: { confidenceThreshold: 0.73 },
      });
    } finally {
      offConnection();
      api.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
