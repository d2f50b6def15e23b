import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve, sep } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  buildCsp,
  createAppRequestHandler,
  installAppProtocol,
  mimeTypeFor,
  registerAppScheme,
  resolveAppUrlToFile,
} from '../../../main/app/app-protocol';

const root = resolve('/srv/renderer');
const inside = (file: string | null) => {
  if (file === null) return true;
  const rel = relative(root, file);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..';
};

describe('resolveAppUrlToFile', () => {
  it('maps app://verbatim paths into the root', () => {
    expect(resolveAppUrlToFile('app://verbatim/index.html', root)).toBe(join(root, 'index.html'));
    expect(resolveAppUrlToFile('app://verbatim/assets/main-abc.js?x=1#h', root)).toBe(
      join(root, 'assets', 'main-abc.js'),
    );
    expect(resolveAppUrlToFile('app://verbatim/', root)).toBe(join(root, 'index.html'));
    expect(resolveAppUrlToFile('app://verbatim/docs/', root)).toBe(join(root, 'docs', 'index.html'));
    expect(resolveAppUrlToFile('app://verbatim/a%20b.png', root)).toBe(join(root, 'a b.png'));
  });

  it('keeps dot segments that the URL parser resolves inside the root', () => {
    // Literal and %2e dot segments are removed by URL parsing (Chromium does the same), so they
    // can only climb to the root itself.
    expect(resolveAppUrlToFile('app://verbatim/../../etc/passwd', root)).toBe(join(root, 'etc', 'passwd'));
    expect(resolveAppUrlToFile('app://verbatim/%2e%2e/%2e%2e/etc/passwd', root)).toBe(
      join(root, 'etc', 'passwd'),
    );
  });

  it.each([
    'app://verbatim/..%2f..%2fetc%2fpasswd',
    'app://verbatim/assets/..%2F..%2F..%2Fetc%2Fpasswd',
    'app://verbatim/%2e%2e%2f%2e%2e%2fsecret',
    'app://verbatim/..%5c..%5cwindows%5cwin.ini',
    'app://verbatim/index.html%00.png',
    'app://verbatim/%E0%A4%A',
    'app://evil/index.html',
    'app://verbatim:8080/index.html',
    'app://user:pw@verbatim/index.html',
    'file:///etc/passwd',
    'https://verbatim/index.html',
    'not a url',
  ])('refuses %s', (url) => {
    expect(resolveAppUrlToFile(url, root)).toBeNull();
  });

  it('never resolves outside the root, whatever the path (property)', () => {
    const segment = fc.constantFrom(
      '..',
      '.',
      '%2e%2e',
      '%2E%2e',
      '..%2f',
      '%2f',
      '%5c',
      'a',
      'index.html',
      '',
      '%00',
    );
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), fc.string({ maxLength: 12 }), (segments, tail) => {
        let url: string;
        try {
          url = `app://verbatim/${segments.join('/')}/${encodeURIComponent(tail)}`;
        } catch {
          return; // lone surrogates cannot be encoded
        }
        expect(inside(resolveAppUrlToFile(url, root))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe('buildCsp', () => {
  it('is the strict policy the renderer is built for', () => {
    expect(buildCsp()).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
        "media-src 'self' blob: app:; connect-src 'self'; object-src 'none'; base-uri 'none'; " +
        "frame-ancestors 'none'; form-action 'none'",
    );
  });

  it('allows neither inline code nor eval nor remote hosts', () => {
    const csp = buildCsp();
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval|https?:|\*/);
  });
});

describe('mimeTypeFor', () => {
  it.each([
    ['index.html', 'text/html; charset=utf-8'],
    ['a/b/main.JS', 'text/javascript; charset=utf-8'],
    ['worklet.mjs', 'text/javascript; charset=utf-8'],
    ['style.css', 'text/css; charset=utf-8'],
    ['logo.svg', 'image/svg+xml'],
    ['font.woff2', 'font/woff2'],
    ['ort.wasm', 'application/wasm'],
    ['clip.wav', 'audio/wav'],
    ['unknown.bin', 'application/octet-stream'],
    ['noext', 'application/octet-stream'],
  ])('%s -> %s', (file, type) => expect(mimeTypeFor(file)).toBe(type));
});

describe('createAppRequestHandler', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'verbatim-protocol-'));
    await mkdir(join(dir, 'renderer', 'assets'), { recursive: true });
    await writeFile(join(dir, 'renderer', 'index.html'), '<!doctype html><title>Verbatim</title>');
    await writeFile(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
    await writeFile(join(dir, 'secret.txt'), 'do not serve');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const handler = () => createAppRequestHandler({ root: join(dir, 'renderer'), log: () => {} });

  it('serves index.html with its type and the CSP header', async () => {
    const response = await handler()(new Request('app://verbatim/index.html'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(buildCsp());
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>Verbatim</title>');
  });

  it('serves scripts as JavaScript', async () => {
    const response = await handler()(new Request('app://verbatim/assets/app.js'));
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await response.text()).toBe('console.log(1)');
  });

  it('refuses path traversal without touching the file system outside the root', async () => {
    const readFile = vi.fn(async () => new Uint8Array());
    const guarded = createAppRequestHandler({ root: join(dir, 'renderer'), readFile, log: () => {} });
    for (const url of ['app://verbatim/..%2fsecret.txt', 'app://verbatim/assets/..%2f..%2fsecret.txt']) {
      const response = await guarded(new Request(url));
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain('do not serve');
    }
    expect(readFile).not.toHaveBeenCalled();
  });

  it('answers 404 for missing files and directories', async () => {
    expect((await handler()(new Request('app://verbatim/missing.js'))).status).toBe(404);
    expect((await handler()(new Request('app://verbatim/assets'))).status).toBe(404);
  });

  it('answers 405 to anything but GET and HEAD, and HEAD has no body', async () => {
    const post = await handler()(new Request('app://verbatim/index.html', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
    const head = await handler()(new Request('app://verbatim/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });

  it('answers 500 (not a crash) when a read fails for another reason', async () => {
    const failing = createAppRequestHandler({
      root: join(dir, 'renderer'),
      readFile: async () => {
        throw Object.assign(new Error('denied'), { code: 'EACCES' });
      },
      log: () => {},
    });
    expect((await failing(new Request('app://verbatim/index.html'))).status).toBe(500);
  });
});

describe('Electron registration', () => {
  it('registers app: as a standard, secure, fetch- and stream-capable scheme', () => {
    const protocol = { registerSchemesAsPrivileged: vi.fn() };
    registerAppScheme(protocol);
    expect(protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } },
    ]);
  });

  it('installs a handler for app: that serves from the given root', async () => {
    const protocol = { handle: vi.fn() };
    installAppProtocol(protocol, '/nowhere');
    expect(protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    const serve = protocol.handle.mock.calls[0]![1] as (request: Request) => Promise<Response>;
    expect((await serve(new Request('app://verbatim/..%2f..%2fetc%2fpasswd'))).status).toBe(404);
  });
});
