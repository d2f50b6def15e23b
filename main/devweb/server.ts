import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_MESSAGE_BYTES, parseMediaPath } from '../api';
import { forkBackend } from '../backend/fork-host';
import { superviseBackend, type BackendSupervisor } from '../backend/supervisor';
import { buildBridgeScript } from './bundle';
import { createBridgeHub } from './hub';
import { createMediaAccess, serveMedia, type MediaAccess } from './media';
import { bridgePolicy, injectBridgeScript, pagePolicy } from './page';
import { contentTypeOf, lookupStatic } from './static-files';

export const BRIDGE_SCRIPT_PATH = '/__verbatim/bridge.js';
export const BRIDGE_SOCKET_PATH = '/__verbatim/ws';
const HOST = '127.0.0.1';

export interface DevWebServerOptions {
  /** The built renderer (out/renderer): index.html and assets/. */
  rendererDir: string;
  /** The backend's data folder (settings, archive). */
  dataDir: string;
  /** Port on 127.0.0.1; 0 or absent picks a free one. */
  port?: number;
  /** Backend entry for forkBackend (defaults to main/backend/entry.ts through tsx). */
  backendEntry?: string;
  /** Version the backend reports; defaults to package.json's. */
  appVersion?: string;
  log?: (message: string) => void;
}

export interface DevWebServer {
  /** http://127.0.0.1:<port>/ — the page to open. */
  url: string;
  /** The WebSocket token. Never print it: whoever has it can drive the backend. */
  token: string;
  supervisor: BackendSupervisor;
  close(): Promise<void>;
}

/**
 * Serves the built renderer to a real browser and connects it to the real backend (forked,
 * supervised) over a loopback WebSocket, so the app can be used and tested without Electron.
 * Development and tests only: it runs from source through tsx and is not in the packaged app.
 *
 * Who may talk to the backend: only pages this server served. The socket needs the random
 * token (in the bridge script's URL inside our index.html), its Origin must be this server's
 * origin, and every request's Host must be 127.0.0.1:<port>, so a page on another site (even
 * through DNS rebinding) can neither read the token nor open the socket.
 */
export async function startDevWebServer(options: DevWebServerOptions): Promise<DevWebServer> {
  const log = options.log ?? ((message: string) => console.error(`[dev:web] ${message}`));
  const rendererDir = resolve(options.rendererDir);
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(
      `${join(rendererDir, 'index.html')} does not exist: build the renderer first (npm run build).`,
    );
  }
  const token = randomBytes(32).toString('base64url');
  const tokenDigest = digest(token);
  const appVersion = options.appVersion ?? packageVersion();

  const [bridgeScript, supervisor] = await Promise.all([
    buildBridgeScript(),
    superviseBackend({
      spawn: () =>
        forkBackend({
          dataDir: options.dataDir,
          appVersion,
          ...(options.backendEntry ? { entry: options.backendEntry } : {}),
        }),
      log,
    }),
  ]);
  const hub = createBridgeHub(supervisor, { log });

  let origin = '';
  let expectedHost = '';
  let policy = '';
  let mediaAccess: MediaAccess | null = null;

  const http = createServer((req, res) => {
    handleRequest(req, res).catch((error: unknown) => {
      log(`request failed: ${String(error)}`);
      if (!res.headersSent) plain(res, 500, 'Internal error');
      else res.destroy();
    });
  });

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (req.headers.host !== expectedHost) return plain(res, 421, `Use ${origin}/`);
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return plain(res, 405, 'Method not allowed');
    }
    const target = req.url ?? '/';
    const path = target.split(/[?#]/, 1)[0];
    if (path === BRIDGE_SCRIPT_PATH)
      return send(req, res, 200, 'text/javascript; charset=utf-8', bridgeScript);
    if (path === '/' || path === '/index.html') {
      const html = await readFile(join(rendererDir, 'index.html'), 'utf8');
      policy = bridgePolicy(pagePolicy(html), `ws://${expectedHost}`);
      const page = injectBridgeScript(html, `${BRIDGE_SCRIPT_PATH}?token=${encodeURIComponent(token)}`);
      // The media cookie: how /media/ knows a request comes from a page this server served (media.ts).
      if (mediaAccess) res.setHeader('Set-Cookie', mediaAccess.cookie);
      return send(req, res, 200, 'text/html; charset=utf-8', page);
    }
    if (path?.startsWith('/media/')) {
      const media = parseMediaPath(path);
      if (!media) return plain(res, 404, 'Not found');
      const refusal = mediaAccess ? mediaAccess.check(req) : 'not ready';
      if (refusal) {
        log(`refused ${path}: ${refusal}`);
        return plain(res, 403, 'Forbidden');
      }
      return serveMedia(req, res, media, {
        resolve: (meetingId, channel) =>
          supervisor.client.invoke('media.file', { meetingId, channel }, { timeoutMs: 15_000 }),
        headers: securityHeaders,
        plain,
      });
    }
    const found = await lookupStatic(rendererDir, target);
    if (found.kind === 'forbidden') return plain(res, 403, 'Forbidden');
    if (found.kind === 'not-found') {
      // Browsers ask for a favicon on their own; a 404 for it would read as an app error.
      if (path === '/favicon.ico') return send(req, res, 204, 'image/x-icon', '');
      return plain(res, 404, 'Not found');
    }
    return send(req, res, 200, contentTypeOf(found.path), await readFile(found.path));
  }

  function send(
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    type: string,
    body: string | Buffer,
  ): void {
    securityHeaders(res);
    res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  function plain(res: ServerResponse, status: number, text: string): void {
    securityHeaders(res);
    res.writeHead(status, {
      'Content-Type': 'text/plain; charset=utf-8',
      'Content-Length': Buffer.byteLength(text),
    });
    res.end(text);
  }

  function securityHeaders(res: ServerResponse): void {
    res.setHeader('Content-Security-Policy', policy);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    // A rebuilt renderer must show up on reload.
    res.setHeader('Cache-Control', 'no-store');
  }

  // Twice the protocol limit: a slightly oversized request still gets a typed PAYLOAD_TOO_LARGE
  // reply from the hub; anything bigger closes the socket (1009) before it is buffered.
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 2 * MAX_MESSAGE_BYTES,
    perMessageDeflate: false,
  });

  http.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    const refusal = checkUpgrade(req);
    if (refusal) {
      log(`refused a WebSocket: ${refusal.reason}`);
      socket.end(`HTTP/1.1 ${refusal.status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function checkUpgrade(req: IncomingMessage): { status: string; reason: string } | null {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== BRIDGE_SOCKET_PATH) return { status: '404 Not Found', reason: 'unknown path' };
    if (req.headers.host !== expectedHost) return { status: '421 Misdirected Request', reason: 'wrong Host' };
    if (req.headers.origin !== origin) return { status: '403 Forbidden', reason: 'wrong or missing Origin' };
    const given = url.searchParams.get('token');
    // Digests have equal length, so the comparison time says nothing about the token.
    if (given === null || !timingSafeEqual(digest(given), tokenDigest)) {
      return { status: '401 Unauthorized', reason: 'missing or wrong token' };
    }
    return null;
  }

  function attach(ws: WebSocket): void {
    const connection = hub.connect({
      send: (text) => {
        if (ws.readyState === ws.OPEN) ws.send(text);
      },
    });
    ws.on('message', (data, isBinary) => {
      if (isBinary) connection.receiveBinary();
      else
        connection.receive(
          Array.isArray(data) ? Buffer.concat(data).toString('utf8') : data.toString('utf8'),
        );
    });
    ws.on('close', () => connection.closed());
    ws.on('error', (error) => log(`WebSocket error: ${error.message}`));
  }

  await new Promise<void>((resolveListen, rejectListen) => {
    http.once('error', rejectListen);
    http.listen(options.port ?? 0, HOST, () => {
      http.off('error', rejectListen);
      resolveListen();
    });
  }).catch(async (error: unknown) => {
    hub.dispose();
    await supervisor.stop();
    throw error;
  });
  const { port } = http.address() as AddressInfo;
  expectedHost = `${HOST}:${port}`;
  mediaAccess = createMediaAccess(port);
  origin = `http://${expectedHost}`;
  policy = bridgePolicy(
    pagePolicy(readFileSync(join(rendererDir, 'index.html'), 'utf8')),
    `ws://${expectedHost}`,
  );

  let closing: Promise<void> | null = null;
  return {
    url: `${origin}/`,
    token,
    supervisor,
    close() {
      closing ??= (async () => {
        // Polite close first (browsers then show a normal disconnect), then cut whatever lingers.
        const goodbyes = [...wss.clients].map(
          (ws) => new Promise((resolveClose) => ws.once('close', resolveClose)),
        );
        for (const ws of wss.clients) ws.close(1001, 'server stopping');
        await Promise.race([
          Promise.all(goodbyes),
          new Promise((resolveWait) => setTimeout(resolveWait, 500)),
        ]);
        for (const ws of wss.clients) ws.terminate();
        await new Promise<void>((resolveClose) => wss.close(() => resolveClose()));
        await new Promise<void>((resolveClose) => {
          http.close(() => resolveClose());
          http.closeAllConnections();
        });
        hub.dispose();
        await supervisor.stop();
      })();
      return closing;
    },
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function packageVersion(): string {
  let dir = __dirname;
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file))
      return (JSON.parse(readFileSync(file, 'utf8')) as { version?: string }).version ?? '0.0.0';
    const parent = dirname(dir);
    if (parent === dir) return '0.0.0';
    dir = parent;
  }
}
