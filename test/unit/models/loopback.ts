import { createHash } from 'node:crypto';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A loopback HTTP server standing in for the internet in download tests (127.0.0.1, random port).
 * Routes are plain handlers; `serveFile` implements the parts of HTTP a model host uses (Range,
 * Content-Range, ETag/If-Range) with knobs to misbehave.
 */

export interface RequestLog {
  path: string;
  range: string | undefined;
  ifRange: string | undefined;
}

export interface Loopback {
  url(path: string): string;
  requests: RequestLog[];
  route(path: string, handler: (req: IncomingMessage, res: ServerResponse, nth: number) => void): void;
  close(): Promise<void>;
}

export async function startLoopback(): Promise<Loopback> {
  const routes = new Map<string, (req: IncomingMessage, res: ServerResponse, nth: number) => void>();
  const counts = new Map<string, number>();
  const requests: RequestLog[] = [];
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    requests.push({ path, range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined });
    const nth = (counts.get(path) ?? 0) + 1;
    counts.set(path, nth);
    const handler = routes.get(path);
    if (!handler) {
      res.writeHead(404).end('not found');
      return;
    }
    handler(req, res, nth);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path) => `http://127.0.0.1:${port}${path}`,
    requests,
    route: (path, handler) => routes.set(path, handler),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface ServeOptions {
  etag?: string;
  /** Answer 200 with the whole body even when a Range is asked for. */
  ignoreRange?: boolean;
  /** On these request numbers (1-based), send the headers and `cutAt` bytes, then destroy the socket. */
  cutOn?: number[];
  cutAt?: number;
  /** Write the body in chunks of this size with this delay between them (ms). */
  chunk?: number;
  delayMs?: number;
}

export function serveFile(data: Uint8Array, options: ServeOptions = {}) {
  return (req: IncomingMessage, res: ServerResponse, nth: number): void => {
    const headers: Record<string, string | number> = {
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
    };
    if (options.etag) headers.etag = options.etag;
    let start = 0;
    let status = 200;
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRange = req.headers['if-range'];
    const rangeApplies = range && !options.ignoreRange && (!ifRange || ifRange === options.etag);
    if (rangeApplies) {
      start = Number(range[1]);
      if (start >= data.length) {
        res.writeHead(416, { 'content-range': `bytes */${data.length}` }).end();
        return;
      }
      status = 206;
      headers['content-range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
    }
    const body = data.subarray(start);
    headers['content-length'] = body.length;
    res.writeHead(status, headers);
    if (options.cutOn?.includes(nth)) {
      res.write(body.subarray(0, options.cutAt ?? Math.floor(body.length / 2)), () => {
        // Give the bytes a moment to reach the client, then kill the connection mid-body.
        setTimeout(() => res.socket?.destroy(), 20);
      });
      return;
    }
    if (!options.chunk) {
      res.end(body);
      return;
    }
    const size = options.chunk;
    let offset = 0;
    const next = (): void => {
      if (res.destroyed) return;
      if (offset >= body.length) {
        res.end();
        return;
      }
      res.write(body.subarray(offset, offset + size));
      offset += size;
      setTimeout(next, options.delayMs ?? 0);
    };
    next();
  };
}

/** Deterministic pseudo-random bytes (xorshift), so failures are reproducible. */
export function testBytes(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export const sha256 = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');
