import { describe, expect, it } from 'vitest';
import { createOriginPolicy, devServerOrigin, isAppUrl, originKey } from '../../../main/app/origins';

describe('originKey', () => {
  it('reduces URLs to scheme://host[:port]', () => {
    expect(originKey('app://verbatim/index.html?x#y')).toBe('app://verbatim');
    expect(originKey('http://localhost:5173/src/main.tsx')).toBe('http://localhost:5173');
    expect(originKey('APP://verbatim/')).toBe('app://verbatim');
  });

  it('has no origin for opaque, malformed or credentialed URLs', () => {
    expect(originKey('data:text/html,hi')).toBeNull();
    expect(originKey('about:blank')).toBeNull();
    expect(originKey('::nonsense')).toBeNull();
    expect(originKey('app://user@verbatim/')).toBeNull();
  });
});

describe('isAppUrl', () => {
  it.each([
    ['app://verbatim/index.html', true],
    ['app://verbatim/', true],
    ['app://verbatim', true],
    ['app://verbatim.evil.example/', false],
    ['app://evil/', false],
    ['app://verbatim:81/', false],
    ['app://verbatim@evil.example/', false],
    ['https://verbatim/', false],
    ['file:///index.html', false],
    ['', false],
    [null, false],
    [undefined, false],
  ])('%s -> %s', (url, expected) => expect(isAppUrl(url)).toBe(expected));
});

describe('createOriginPolicy', () => {
  it('accepts exactly the listed origins', () => {
    const policy = createOriginPolicy(['app://verbatim', 'http://localhost:5173']);
    expect(policy('http://localhost:5173/x')).toBe(true);
    expect(policy('http://localhost:5174/x')).toBe(false);
    expect(policy('https://localhost:5173/x')).toBe(false);
  });
});

describe('devServerOrigin', () => {
  it('trusts a loopback http dev server only when unpackaged', () => {
    expect(devServerOrigin({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, false)).toBe(
      'http://localhost:5173',
    );
    expect(devServerOrigin({ ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173/' }, false)).toBe(
      'http://127.0.0.1:5173',
    );
    expect(devServerOrigin({ ELECTRON_RENDERER_URL: 'http://localhost:5173' }, true)).toBeNull();
    expect(devServerOrigin({}, false)).toBeNull();
  });

  it('ignores remote, non-http or credentialed dev URLs', () => {
    for (const url of [
      'http://example.com:5173',
      'https://localhost:5173',
      'http://a@localhost:5173',
      'junk',
    ]) {
      expect(devServerOrigin({ ELECTRON_RENDERER_URL: url }, false)).toBeNull();
    }
  });
});
