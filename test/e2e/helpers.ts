import { request } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';

export async function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `verbatim-${prefix}-`));
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * GET with the request target sent exactly as given (fetch and URL would normalise `..` away,
 * which is the very thing a traversal test must not do).
 */
export function rawGet(
  base: string,
  target: string,
  headers: Record<string, string> = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port, method: 'GET', path: target, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

export function socketUrl(serverUrl: string, token?: string): string {
  const url = new URL('/__verbatim/ws', serverUrl.replace(/^http/, 'ws'));
  if (token !== undefined) url.searchParams.set('token', token);
  return url.toString();
}

/** A test client for the bridge socket that records every message it receives. */
export interface TestSocket {
  ws: WebSocket;
  messages: unknown[];
  send(message: unknown): void;
  sendRaw(text: string | Buffer): void;
  /** Resolves with the first recorded message (past or future) that matches. */
  next(
    match: (message: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export function openSocket(url: string, origin: string | undefined): Promise<TestSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    const messages: unknown[] = [];
    const waiters = new Set<() => void>();
    ws.on('message', (data) => {
      messages.push(JSON.parse(data.toString()));
      for (const wake of [...waiters]) wake();
    });
    ws.once('unexpected-response', (_req, res) => {
      reject(new Error(`refused with HTTP ${res.statusCode}`));
      ws.terminate();
    });
    ws.on('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        messages,
        send: (message) => ws.send(JSON.stringify(message)),
        sendRaw: (text) => ws.send(text),
        next(match, timeoutMs = 10_000) {
          return new Promise((resolveNext, rejectNext) => {
            let seen = 0;
            const check = () => {
              for (; seen < messages.length; seen++) {
                const message = messages[seen] as Record<string, unknown>;
                if (match(message)) {
                  clearTimeout(timer);
                  waiters.delete(check);
                  resolveNext(message);
                  return;
                }
              }
            };
            const timer = setTimeout(() => {
              waiters.delete(check);
              rejectNext(
                new Error(`no matching message in ${timeoutMs} ms; got ${JSON.stringify(messages)}`),
              );
            }, timeoutMs);
            waiters.add(check);
            check();
          });
        },
        close: () =>
          new Promise<void>((resolveClose) => {
            if (ws.readyState === ws.CLOSED) return resolveClose();
            ws.once('close', () => resolveClose());
            ws.close();
          }),
      }),
    );
  });
}

/** Resolves with the HTTP status the server refused an upgrade with, or 'opened'. */
export function upgradeOutcome(url: string, origin: string | undefined): Promise<number | 'opened'> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve('opened');
      ws.close();
    });
    ws.on('error', (error) => {
      if (!/Unexpected server response/.test(error.message)) reject(error);
    });
  });
}

export const isResponseTo = (id: number | null) => (message: Record<string, unknown>) =>
  message.kind === 'response' && message.id === id;

export const isEvent = (name: string, state?: string) => (message: Record<string, unknown>) =>
  message.kind === 'event' &&
  message.name === name &&
  (state === undefined || (message.payload as { state?: string } | undefined)?.state === state);
