import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  downloadFile,
  networkError,
  nodeDownloadFs,
  type DownloadFs,
  type DownloadOptions,
  type DownloadProgress,
  type DownloadTarget,
} from '../../../main/models/download';
import { serveFile, sha256, startLoopback, testBytes, type Loopback } from './loopback';

const DATA = testBytes(300_000, 7);
const SHA = sha256(DATA);

let server: Loopback;
let dir: string;

beforeAll(async () => {
  server = await startLoopback();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'verbatim-dl-'));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

const opts = (extra: DownloadOptions = {}): DownloadOptions => ({
  allowLoopbackHttp: true,
  retries: 0,
  retryDelayMs: 10,
  progressIntervalMs: 0,
  ...extra,
});

let routeId = 0;
function target(
  handler: Parameters<Loopback['route']>[1],
  extra: Partial<DownloadTarget> = {},
): DownloadTarget {
  const path = `/f${routeId++}/model.onnx`;
  server.route(path, handler);
  mkdirSync(join(dir, 'm'), { recursive: true });
  return {
    name: 'model.onnx',
    url: server.url(path),
    dest: join(dir, 'm', 'model.onnx'),
    bytes: DATA.length,
    sha256: SHA,
    ...extra,
  };
}
async function until(condition: () => boolean, timeoutMs = 3000): Promise<void> {
  const start = Date.now();
  while (!condition()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
const requestsFor = (t: DownloadTarget) => server.requests.filter((r) => t.url.endsWith(r.path));
const leftovers = (t: DownloadTarget) =>
  ['.part', '.part.json', '.lock'].filter((s) => existsSync(t.dest + s));

describe('downloadFile', () => {
  it('downloads, verifies, renames atomically and reports progress', async () => {
    const t = target(serveFile(DATA, { chunk: 50_000 }));
    const events: DownloadProgress[] = [];
    const result = await downloadFile(t, opts({ onProgress: (p) => events.push(p) }));
    expect(result).toMatchObject({
      ok: true,
      bytes: DATA.length,
      sha256: SHA,
      verified: true,
      reused: false,
      resumedFrom: 0,
    });
    expect(readFileSync(t.dest).equals(DATA)).toBe(true);
    expect(leftovers(t)).toEqual([]);
    expect(existsSync(`${t.dest}.verified`)).toBe(true);
    const downloading = events.filter((e) => e.phase === 'downloading');
    expect(downloading.length).toBeGreaterThan(2);
    expect(downloading.at(-1)).toMatchObject({ received: DATA.length, total: DATA.length });
    for (let i = 1; i < downloading.length; i++)
      expect(downloading[i]!.received).toBeGreaterThanOrEqual(downloading[i - 1]!.received);
    expect(events.at(-1)!.phase).toBe('verifying');

    // A second call finds the verified file and transfers nothing.
    const before = requestsFor(t).length;
    expect(await downloadFile(t, opts())).toMatchObject({ ok: true, reused: true });
    expect(requestsFor(t)).toHaveLength(before);
  });

  it('resumes after a cut connection with a Range request, and the final sha matches', async () => {
    const t = target(serveFile(DATA, { etag: '"v1"', cutOn: [1], cutAt: 120_000 }));
    const first = await downloadFile(t, opts());
    expect(first).toMatchObject({
      ok: false,
      error: { code: 'INCOMPLETE', retryable: true, file: 'model.onnx' },
    });
    if (!first.ok) expect(first.error.message).toMatch(/model\.onnx.*interrupted.*try again to resume/);
    const partSize = statSync(`${t.dest}.part`).size;
    expect(partSize).toBeGreaterThan(0);
    expect(partSize).toBeLessThanOrEqual(120_000);
    expect(existsSync(`${t.dest}.lock`)).toBe(false);

    const second = await downloadFile(t, opts());
    expect(second).toMatchObject({ ok: true, sha256: SHA, verified: true, resumedFrom: partSize });
    expect(requestsFor(t).at(-1)).toMatchObject({ range: `bytes=${partSize}-`, ifRange: '"v1"' });
    expect(readFileSync(t.dest).equals(DATA)).toBe(true);
    expect(leftovers(t)).toEqual([]);
  });

  it('retries by itself (resuming) when retries are allowed', async () => {
    const t = target(serveFile(DATA, { cutOn: [1, 2], cutAt: 40_000 }));
    const result = await downloadFile(t, opts({ retries: 2 }));
    expect(result).toMatchObject({ ok: true, sha256: SHA });
    const reqs = requestsFor(t);
    expect(reqs).toHaveLength(3);
    expect(reqs[1]!.range).toMatch(/^bytes=\d+-$/);
  });

  it('restarts from zero when the server ignores Range (200 instead of 206)', async () => {
    const t = target(serveFile(DATA, { ignoreRange: true }));
    // A stale part with wrong bytes: if it were appended to, the checksum would fail.
    writeFileSync(`${t.dest}.part`, Buffer.alloc(5000, 0xaa));
    writeFileSync(`${t.dest}.part.json`, JSON.stringify({ url: t.url, validator: null, total: DATA.length }));
    const result = await downloadFile(t, opts());
    expect(result).toMatchObject({ ok: true, sha256: SHA });
    expect(requestsFor(t)[0]!.range).toBe('bytes=5000-');
  });

  it('treats 416 on a complete part as done (size unknown in the manifest)', async () => {
    const t = target(serveFile(DATA), { bytes: null });
    writeFileSync(`${t.dest}.part`, DATA);
    writeFileSync(`${t.dest}.part.json`, JSON.stringify({ url: t.url, validator: null, total: null }));
    const result = await downloadFile(t, opts());
    expect(result).toMatchObject({ ok: true, sha256: SHA, resumedFrom: DATA.length });
    expect(requestsFor(t)).toHaveLength(1);
  });

  it('deletes the file and says so on a checksum mismatch', async () => {
    const wrong = testBytes(DATA.length, 99);
    const t = target(serveFile(wrong));
    const result = await downloadFile(t, opts({ retries: 3 }));
    expect(result).toMatchObject({ ok: false, error: { code: 'CHECKSUM_MISMATCH', retryable: false } });
    if (!result.ok) expect(result.error.message).toMatch(/model\.onnx .*failed its checksum.*deleted/);
    expect(requestsFor(t)).toHaveLength(1); // not retried blindly
    expect(existsSync(t.dest)).toBe(false);
    expect(leftovers(t)).toEqual([]);
  });

  it('refuses a file of the wrong size before downloading it', async () => {
    const t = target(serveFile(DATA), { bytes: DATA.length + 1 });
    const result = await downloadFile(t, opts());
    expect(result).toMatchObject({ ok: false, error: { code: 'SIZE_MISMATCH' } });
    expect(existsSync(`${t.dest}.part`)).toBe(false);
  });

  it('reports a full disk (ENOSPC while writing), deleting the part', async () => {
    const t = target(serveFile(DATA, { chunk: 16_384 }));
    let written = 0;
    const fullDisk: DownloadFs = {
      freeBytes: async () => null,
      async openWriter(path, mode) {
        const real = await nodeDownloadFs.openWriter(path, mode);
        return {
          ...real,
          async write(chunk) {
            if (written + chunk.length > 100_000) {
              throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
            }
            written += chunk.length;
            await real.write(chunk);
          },
        };
      },
    };
    const result = await downloadFile(t, opts({ fs: fullDisk, retries: 2 }));
    expect(result).toMatchObject({ ok: false, error: { code: 'DISK_FULL', retryable: false } });
    if (!result.ok) expect(result.error.message).toMatch(/disk is full.*model\.onnx.*Free up space/);
    expect(leftovers(t)).toEqual([]);
    expect(existsSync(t.dest)).toBe(false);
  });

  it('checks free space up front when the size is known', async () => {
    const t = target(serveFile(DATA));
    const result = await downloadFile(t, opts({ fs: { ...nodeDownloadFs, freeBytes: async () => 1000 } }));
    expect(result).toMatchObject({ ok: false, error: { code: 'DISK_FULL' } });
    expect(requestsFor(t)).toHaveLength(0);
  });

  it('reports offline (connection refused) with what to do', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const { port } = closed.address() as AddressInfo;
    await new Promise<void>((r) => closed.close(() => r()));
    const t: DownloadTarget = {
      name: 'model.onnx',
      url: `http://127.0.0.1:${port}/x`,
      dest: join(dir, 'model.onnx'),
      bytes: 10,
      sha256: null,
    };
    const result = await downloadFile(t, opts({ retries: 2 }));
    expect(result).toMatchObject({ ok: false, error: { code: 'OFFLINE', retryable: false } });
    if (!result.ok)
      expect(result.error.message).toMatch(/Cannot download model\.onnx.*offline.*copy the file to/);
    expect(leftovers(t)).toEqual([]);
  });

  it('maps DNS failures to OFFLINE', () => {
    const t: DownloadTarget = {
      name: 'a.onnx',
      url: 'https://example.invalid/a',
      dest: '/tmp/a',
      bytes: null,
      sha256: null,
    };
    expect(networkError(t, t.url, Object.assign(new Error('x'), { code: 'ENOTFOUND' })).code).toBe('OFFLINE');
    expect(networkError(t, t.url, Object.assign(new Error('x'), { code: 'ECONNRESET' })).code).toBe(
      'INCOMPLETE',
    );
  });

  it('shares one transfer between two simultaneous downloads of the same file', async () => {
    const t = target(serveFile(DATA, { chunk: 30_000, delayMs: 5 }));
    const seen: number[] = [];
    const [a, b] = await Promise.all([
      downloadFile(t, opts({ onProgress: () => seen.push(1) })),
      downloadFile(t, opts({ onProgress: () => seen.push(2) })),
    ]);
    expect(a).toMatchObject({ ok: true, sha256: SHA });
    expect(b).toMatchObject({ ok: true, sha256: SHA });
    expect(requestsFor(t)).toHaveLength(1);
    expect(seen).toContain(1);
    expect(seen).toContain(2);
    expect(readFileSync(t.dest).equals(DATA)).toBe(true);
  });

  it('waits for another process holding the lock, then reuses its result', async () => {
    const t = target(serveFile(DATA));
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)'], { stdio: 'ignore' });
    try {
      writeFileSync(
        `${t.dest}.lock`,
        JSON.stringify({ pid: other.pid, host: hostname(), started: Date.now() }),
      );
      const phases: string[] = [];
      const pending = downloadFile(t, opts({ onProgress: (p) => phases.push(p.phase) }));
      await new Promise((r) => setTimeout(r, 400));
      expect(requestsFor(t)).toHaveLength(0); // serialised: no second writer
      expect(phases).toContain('waiting');
      // The other process finishes: its file is in place and it removes its lock.
      writeFileSync(t.dest, DATA);
      rmSync(`${t.dest}.lock`);
      expect(await pending).toMatchObject({ ok: true, reused: true, sha256: SHA });
      expect(requestsFor(t)).toHaveLength(0);
    } finally {
      other.kill();
    }
  });

  it('takes over the lock of a dead process', async () => {
    const t = target(serveFile(DATA));
    const dead = spawn(process.execPath, ['-e', '0'], { stdio: 'ignore' });
    await new Promise((r) => dead.on('exit', r));
    writeFileSync(`${t.dest}.lock`, JSON.stringify({ pid: dead.pid, host: hostname(), started: 0 }));
    expect(await downloadFile(t, opts())).toMatchObject({ ok: true, sha256: SHA });
  });

  it('cancels with an AbortSignal, keeps the part, and resumes later', async () => {
    const t = target(serveFile(DATA, { chunk: 10_000, delayMs: 5 }));
    const controller = new AbortController();
    const result = await downloadFile(
      t,
      opts({ signal: controller.signal, onProgress: (p) => p.received >= 30_000 && controller.abort() }),
    );
    expect(result).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    // The caller is answered at once; the transfer then winds down and releases the lock.
    await until(() => !existsSync(`${t.dest}.lock`));
    const kept = statSync(`${t.dest}.part`).size;
    expect(kept).toBeGreaterThanOrEqual(30_000);
    const again = await downloadFile(t, opts());
    expect(again).toMatchObject({ ok: true, sha256: SHA, resumedFrom: kept });
  });

  it('one caller cancelling does not cancel the transfer another caller still waits for', async () => {
    const t = target(serveFile(DATA, { chunk: 20_000, delayMs: 10 }));
    const controller = new AbortController();
    const a = downloadFile(t, opts({ signal: controller.signal }));
    const b = downloadFile(t, opts());
    setTimeout(() => controller.abort(), 30);
    expect(await a).toMatchObject({ ok: false, error: { code: 'CANCELLED' } });
    expect(await b).toMatchObject({ ok: true, sha256: SHA });
  });

  it('follows redirects, with a cap, and refuses a redirect to plain http elsewhere', async () => {
    const t = target(serveFile(DATA));
    const hop = `/hop${routeId++}`;
    server.route(hop, (_req, res) => res.writeHead(302, { location: new URL(t.url).pathname }).end());
    expect(await downloadFile({ ...t, url: server.url(hop) }, opts())).toMatchObject({
      ok: true,
      sha256: SHA,
    });

    const loop = `/loop${routeId++}`;
    server.route(loop, (_req, res) => res.writeHead(302, { location: loop }).end());
    const looped = await downloadFile(
      { ...t, url: server.url(loop), dest: join(dir, 'loop.onnx') },
      opts({ maxRedirects: 3 }),
    );
    expect(looped).toMatchObject({ ok: false, error: { code: 'TOO_MANY_REDIRECTS' } });
    expect(server.requests.filter((r) => r.path === loop)).toHaveLength(4);

    const away = `/away${routeId++}`;
    server.route(away, (_req, res) =>
      res.writeHead(301, { location: 'http://example.com/model.onnx' }).end(),
    );
    const insecure = await downloadFile(
      { ...t, url: server.url(away), dest: join(dir, 'away.onnx') },
      opts(),
    );
    expect(insecure).toMatchObject({ ok: false, error: { code: 'INSECURE_URL' } });
  });

  it('only allows https (http only to loopback when enabled)', async () => {
    const t = target(serveFile(DATA));
    expect(await downloadFile(t, { retries: 0 })).toMatchObject({
      ok: false,
      error: { code: 'INSECURE_URL' },
    });
    const remote = { ...t, url: 'http://example.com/model.onnx' };
    expect(await downloadFile(remote, opts())).toMatchObject({ ok: false, error: { code: 'INSECURE_URL' } });
    expect(requestsFor(t)).toHaveLength(0);
  });

  it('reports HTTP errors naming the file; retries 5xx', async () => {
    const missing = { ...target(serveFile(DATA)), url: server.url('/nope/model.onnx') };
    const r404 = await downloadFile(missing, opts({ retries: 2 }));
    expect(r404).toMatchObject({ ok: false, error: { code: 'HTTP_ERROR', status: 404, retryable: false } });
    if (!r404.ok) expect(r404.error.message).toMatch(/model\.onnx.*HTTP 404.*moved/);

    const flaky = target((req, res, nth) =>
      nth === 1 ? res.writeHead(503).end() : serveFile(DATA)(req, res, nth),
    );
    expect(await downloadFile(flaky, opts({ retries: 1 }))).toMatchObject({ ok: true, sha256: SHA });
  });

  it('times out a stalled body and keeps the part', async () => {
    const t = target((_req, res) => {
      res.writeHead(200, { 'content-length': DATA.length });
      res.write(DATA.subarray(0, 1000)); // then nothing
    });
    const result = await downloadFile(t, opts({ idleTimeoutMs: 150 }));
    expect(result).toMatchObject({ ok: false, error: { code: 'TIMEOUT', retryable: true } });
    expect(statSync(`${t.dest}.part`).size).toBe(1000);
  });

  it('accepts an unpinned file but does not call it verified', async () => {
    const t = target(serveFile(DATA), { sha256: null, bytes: null });
    const result = await downloadFile(t, opts());
    expect(result).toMatchObject({ ok: true, verified: false, sha256: SHA });
    expect(existsSync(`${t.dest}.verified`)).toBe(false);
  });
});
