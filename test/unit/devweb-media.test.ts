import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiError, parseMediaPath, type MediaFile, type Result } from '../../main/api';
import { cookieValue, createMediaAccess, serveMedia, statusForError } from '../../main/devweb/media';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
  method = 'GET',
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * serveMedia and the access check behind a plain http server, wired as main/devweb/server.ts wires
 * them; the backend's `media.file` is a map from meeting to file. (The whole bridge, with a forked
 * backend and Chromium, is covered by test/e2e/playback.test.ts.)
 */
describe('dev bridge media serving', () => {
  let dir: string;
  let server: Server;
  let port: number;
  let bytes: Buffer;
  let cookie: string;
  const files = new Map<number, MediaFile>();
  const resolved: Array<[number, string]> = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'verbatim-devweb-media-'));
    bytes = Buffer.alloc(100_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7 + (i >> 8)) & 0xff;
    const path = join(dir, 'mic.mp3');
    writeFileSync(path, bytes);
    files.set(1, { path, mimeType: 'audio/mpeg', bytes: bytes.length });
    files.set(2, { path: join(dir, 'gone.mp3'), mimeType: 'audio/mpeg', bytes: 10 });

    server = createServer((req, res) => {
      const target = parseMediaPath(req.url ?? '');
      if (!target) {
        res.writeHead(404).end();
        return;
      }
      const refusal = access.check(req);
      if (refusal) {
        res.writeHead(403, { 'X-Reason': refusal }).end();
        return;
      }
      void serveMedia(req, res, target, {
        resolve: async (meetingId, channel): Promise<Result<MediaFile>> => {
          resolved.push([meetingId, channel]);
          const file = files.get(meetingId);
          if (meetingId === 3) return { ok: false, error: apiError('BACKEND_UNAVAILABLE', 'restarting') };
          return file ? { ok: true, value: file } : { ok: false, error: apiError('NOT_FOUND', 'No audio.') };
        },
        headers: (r) => r.setHeader('X-Content-Type-Options', 'nosniff'),
        plain: (r, status, text) => r.writeHead(status, { 'Content-Type': 'text/plain' }).end(text),
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    const access = createMediaAccess(port);
    // What a browser sends back: the name=value part of Set-Cookie.
    cookie = access.cookie.split(';')[0]!;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  const ours = (extra: Record<string, string> = {}) => ({
    Cookie: cookie,
    'Sec-Fetch-Site': 'same-origin',
    ...extra,
  });

  it('serves a range as 206 with exactly the bytes of the file', async () => {
    const reply = await get(port, '/media/1/mic', ours({ Range: 'bytes=1000-1999' }));
    expect(reply.status).toBe(206);
    expect(reply.headers['content-range']).toBe(`bytes 1000-1999/${bytes.length}`);
    expect(reply.headers['content-length']).toBe('1000');
    expect(reply.headers['content-type']).toBe('audio/mpeg');
    expect(reply.headers['accept-ranges']).toBe('bytes');
    expect(reply.headers['x-content-type-options']).toBe('nosniff');
    expect(reply.body.equals(bytes.subarray(1000, 2000))).toBe(true);
    expect(resolved.at(-1)).toEqual([1, 'mic']);
  });

  it('serves open-ended and suffix ranges, and the whole file without a Range', async () => {
    const open = await get(port, '/media/1/mic', ours({ Range: 'bytes=99000-' }));
    expect(open.status).toBe(206);
    expect(open.body.equals(bytes.subarray(99_000))).toBe(true);
    const suffix = await get(port, '/media/1/mic', ours({ Range: 'bytes=-10' }));
    expect(suffix.body.equals(bytes.subarray(bytes.length - 10))).toBe(true);
    const whole = await get(port, '/media/1/mic', ours());
    expect(whole.status).toBe(200);
    expect(whole.body.equals(bytes)).toBe(true);
  });

  it('answers HEAD with the headers and no body, and 416 past the end', async () => {
    const head = await get(port, '/media/1/mic', ours({ Range: 'bytes=0-99' }), 'HEAD');
    expect(head.status).toBe(206);
    expect(head.headers['content-length']).toBe('100');
    expect(head.body.length).toBe(0);
    const past = await get(port, '/media/1/mic', ours({ Range: `bytes=${bytes.length}-` }));
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${bytes.length}`);
  });

  it('maps backend failures to HTTP: missing audio 404, gone file 404, backend away 503', async () => {
    expect((await get(port, '/media/9/mic', ours())).status).toBe(404);
    expect((await get(port, '/media/2/mic', ours())).status).toBe(404);
    expect((await get(port, '/media/3/mic', ours())).status).toBe(503);
    expect(statusForError(apiError('INTERNAL', 'bug'))).toBe(500);
  });

  it('refuses requests without our cookie or from another site', async () => {
    const refused = async (headers: Record<string, string>) => {
      const before = resolved.length;
      const reply = await get(port, '/media/1/mic', headers);
      // Refused before the backend is even asked.
      expect(resolved.length).toBe(before);
      return reply;
    };
    expect((await refused({})).headers['x-reason']).toBe('no media cookie');
    expect((await refused({ Cookie: `${cookie.split('=')[0]}=guess` })).headers['x-reason']).toBe(
      'wrong media cookie',
    );
    expect((await refused(ours({ 'Sec-Fetch-Site': 'cross-site' }))).status).toBe(403);
    // Another server on 127.0.0.1 is same-site but not same-origin.
    expect((await refused(ours({ 'Sec-Fetch-Site': 'same-site' }))).status).toBe(403);
  });

  it('keeps the cookie secret from page script and other sites', () => {
    const access = createMediaAccess(4242);
    expect(access.cookie).toMatch(/^verbatim_media_4242=[\w-]{43}; Path=\/media; HttpOnly; SameSite=Strict$/);
    expect(createMediaAccess(4242).cookie).not.toBe(access.cookie);
    expect(cookieValue('a=1; verbatim_media_1=xyz; b=2', 'verbatim_media_1')).toBe('xyz');
    expect(cookieValue('a=1', 'verbatim_media_1')).toBeNull();
    expect(cookieValue(undefined, 'x')).toBeNull();
  });
});
