import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppRequestHandler } from '../../../main/app/app-protocol';
import { IPC } from '../../../main/app/constants';
import { createMainBackendLink, type ResolveMedia } from '../../../main/app/media-protocol';
import { ApiException, apiError, methods, type ServerMessage } from '../../../main/api';
import { createBackendServer, type Handlers } from '../../../main/backend/server';
import { messagePortMainTransport, type MessagePortMainLike } from '../../../main/backend/transports-node';

/** Electron's MessagePortMain delivers { data }; a worker_threads port delivers the value itself. */
function asPortMain(port: MessagePort): MessagePortMainLike {
  const wrapped = new Map<unknown, (data: unknown) => void>();
  return {
    postMessage: (message) => port.postMessage(message),
    on(event: 'message' | 'close', listener: ((e: { data: unknown }) => void) | (() => void)) {
      if (event === 'close') port.on('close', listener as () => void);
      else {
        const w = (data: unknown) => (listener as (e: { data: unknown }) => void)({ data });
        wrapped.set(listener, w);
        port.on('message', w);
      }
      return this;
    },
    off(event: 'message' | 'close', listener: ((e: { data: unknown }) => void) | (() => void)) {
      if (event === 'close') port.off('close', listener as () => void);
      else port.off('message', wrapped.get(listener) ?? (() => undefined));
      return this;
    },
    start: () => port.start(),
    close: () => port.close(),
  } as MessagePortMainLike;
}

describe('app:// media', () => {
  let dir: string;
  let bytes: Buffer;
  let path: string;
  const resolve: ResolveMedia = async (meetingId, channel) => {
    if (meetingId === 1 && channel === 'mic')
      return { ok: true, value: { path, mimeType: 'audio/wav', bytes: 0 } };
    if (meetingId === 2) return { ok: false, error: apiError('BACKEND_UNAVAILABLE', 'restarting') };
    if (meetingId === 3)
      return { ok: true, value: { path: join(dir, 'gone.wav'), mimeType: 'audio/wav', bytes: 0 } };
    return { ok: false, error: apiError('NOT_FOUND', `Meeting ${meetingId} has no ${channel} audio.`) };
  };
  const serve = (url: string, init?: RequestInit) =>
    createAppRequestHandler({ root: dir, media: resolve })(new Request(url, init));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'verbatim-app-media-'));
    bytes = Buffer.alloc(50_000);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 13 + (i >> 9)) & 0xff;
    path = join(dir, 'mic.wav');
    writeFileSync(path, bytes);
    // A renderer file called like a media URL must never be what /media/ serves.
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streams a range as 206 with exactly those bytes, under the CSP', async () => {
    const response = await serve('app://verbatim/media/1/mic', { headers: { Range: 'bytes=4096-8191' } });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(`bytes 4096-8191/${bytes.length}`);
    expect(response.headers.get('content-length')).toBe('4096');
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(Buffer.from(await response.arrayBuffer()).equals(bytes.subarray(4096, 8192))).toBe(true);
  });

  it('sends the whole file without a Range, headers only for HEAD, 416 past the end', async () => {
    const whole = await serve('app://verbatim/media/1/mic');
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(bytes)).toBe(true);
    const head = await serve('app://verbatim/media/1/mic', {
      method: 'HEAD',
      headers: { Range: 'bytes=-100' },
    });
    expect(head.status).toBe(206);
    expect(head.headers.get('content-length')).toBe('100');
    expect(head.body).toBeNull();
    const past = await serve('app://verbatim/media/1/mic', { headers: { Range: 'bytes=50000-' } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe('bytes */50000');
  });

  it('answers 404 for missing audio or odd media paths, 503 while the backend is away', async () => {
    expect((await serve('app://verbatim/media/1/system')).status).toBe(404);
    expect((await serve('app://verbatim/media/3/mic')).status).toBe(404);
    expect((await serve('app://verbatim/media/2/mic')).status).toBe(503);
    for (const url of [
      'app://verbatim/media/index.html',
      'app://verbatim/media/1/mic/x',
      'app://verbatim/media/01/mic',
    ]) {
      expect((await serve(url)).status, url).toBe(404);
    }
    // Without a resolver (no backend wired) media is simply not there.
    const bare = createAppRequestHandler({ root: dir });
    expect((await bare(new Request('app://verbatim/media/1/mic'))).status).toBe(404);
    // Renderer files still serve.
    expect((await serve('app://verbatim/index.html')).status).toBe(200);
  });
});

describe('createMainBackendLink', () => {
  it('asks the backend on the port the host gives it, and fails cleanly without one', async () => {
    const link = createMainBackendLink({ timeoutMs: 5000 });
    expect(await link.resolveMedia(1, 'mic')).toMatchObject({
      ok: false,
      error: { code: 'BACKEND_UNAVAILABLE' },
    });

    const unmodelled = Object.fromEntries(
      Object.keys(methods).map((name) => [
        name,
        () => {
          throw new ApiException('UNKNOWN_METHOD', name);
        },
      ]),
    ) as unknown as Handlers;
    const server = createBackendServer(
      {
        ...unmodelled,
        'media.file': ({ meetingId, channel }) => ({
          path: `/data/${meetingId}/${channel}.mp3`,
          mimeType: 'audio/mpeg',
          bytes: 7,
        }),
      },
      { log: () => undefined },
    );
    const { port1, port2 } = new MessageChannel();
    server.connect(messagePortMainTransport<unknown, ServerMessage>(asPortMain(port1)) as never);
    link.renderer.postMessage(IPC.port, { restarts: 0 }, [asPortMain(port2)]);
    expect(await link.resolveMedia(4, 'system')).toEqual({
      ok: true,
      value: { path: '/data/4/system.mp3', mimeType: 'audio/mpeg', bytes: 7 },
    });

    link.renderer.postMessage(IPC.lost, { restarts: 0, willRestart: true });
    expect(await link.resolveMedia(4, 'system')).toMatchObject({
      ok: false,
      error: { code: 'BACKEND_UNAVAILABLE' },
    });
    link.close();
    expect(link.renderer.isDestroyed()).toBe(true);
    port1.close();
  });
});
