import { EventEmitter } from 'node:events';
import type { PermissionCheckHandlerHandlerDetails, Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createOriginPolicy } from '../../../main/app/origins';
import {
  hardenWebContents,
  installPermissionHandlers,
  installRequestFilter,
  installWebContentsGuards,
  isAllowedPermissionCheck,
  isAllowedPermissionRequest,
} from '../../../main/app/security';
import { FakeWebContents } from './fake-electron';

const APP = 'app://verbatim/index.html';
const micRequest = {
  isMainFrame: true,
  requestingUrl: APP,
  securityOrigin: 'app://verbatim/',
  mediaTypes: ['audio'] as Array<'audio' | 'video'>,
};
const micCheck: PermissionCheckHandlerHandlerDetails = {
  isMainFrame: true,
  requestingUrl: APP,
  securityOrigin: 'app://verbatim/',
  mediaType: 'audio',
};

describe('isAllowedPermissionRequest', () => {
  it('grants the microphone to our own main frame', () => {
    expect(isAllowedPermissionRequest('media', micRequest)).toBe(true);
  });

  it.each([
    ['camera', { ...micRequest, mediaTypes: ['video'] }],
    ['camera and microphone', { ...micRequest, mediaTypes: ['audio', 'video'] }],
    ['no media types', { ...micRequest, mediaTypes: [] }],
    ['missing media types', { isMainFrame: true, requestingUrl: APP }],
    [
      'another origin',
      { ...micRequest, requestingUrl: 'https://evil.example/', securityOrigin: 'https://evil.example/' },
    ],
    ['a mismatching security origin', { ...micRequest, securityOrigin: 'https://evil.example/' }],
    ['a subframe', { ...micRequest, isMainFrame: false }],
  ])('denies %s', (_name, details) => {
    expect(isAllowedPermissionRequest('media', details as typeof micRequest)).toBe(false);
  });

  it.each(['geolocation', 'notifications', 'openExternal', 'clipboard-read', 'fileSystem', 'hid'])(
    'denies %s even to our own page',
    (permission) => expect(isAllowedPermissionRequest(permission, micRequest)).toBe(false),
  );

  describe('display-capture (system audio through getDisplayMedia)', () => {
    const displayRequest = { ...micRequest, mediaTypes: ['video', 'audio'] as Array<'audio' | 'video'> };

    it('is granted to our main frame when it asks for audio', () => {
      expect(isAllowedPermissionRequest('display-capture', displayRequest)).toBe(true);
      expect(isAllowedPermissionRequest('display-capture', { ...micRequest })).toBe(true);
    });

    it.each([
      ['a screen grab without audio', { ...displayRequest, mediaTypes: ['video'] }],
      ['no media types', { ...displayRequest, mediaTypes: [] }],
      ['a subframe', { ...displayRequest, isMainFrame: false }],
      [
        'another origin',
        {
          ...displayRequest,
          requestingUrl: 'https://evil.example/',
          securityOrigin: 'https://evil.example/',
        },
      ],
      ['a mismatching security origin', { ...displayRequest, securityOrigin: 'https://evil.example/' }],
    ])('is denied for %s', (_name, details) => {
      expect(isAllowedPermissionRequest('display-capture', details as typeof micRequest)).toBe(false);
    });
  });

  it('honours an extended policy (dev server) but nothing beyond it', () => {
    const dev = createOriginPolicy(['app://verbatim', 'http://localhost:5173']);
    const fromDev = {
      ...micRequest,
      requestingUrl: 'http://localhost:5173/',
      securityOrigin: 'http://localhost:5173/',
    };
    expect(isAllowedPermissionRequest('media', fromDev, dev)).toBe(true);
    expect(isAllowedPermissionRequest('media', fromDev)).toBe(false);
  });
});

describe('isAllowedPermissionCheck', () => {
  it('allows an audio check from our own main frame', () => {
    expect(isAllowedPermissionCheck('media', 'app://verbatim/', micCheck)).toBe(true);
  });

  it.each([
    ['video', 'app://verbatim/', { ...micCheck, mediaType: 'video' }],
    ['unknown media type', 'app://verbatim/', { ...micCheck, mediaType: 'unknown' }],
    ['another origin', 'https://evil.example/', { ...micCheck, securityOrigin: 'https://evil.example/' }],
    ['a subframe', 'app://verbatim/', { ...micCheck, isMainFrame: false }],
    ['a cross-origin embedder', 'app://verbatim/', { ...micCheck, embeddingOrigin: 'https://evil.example/' }],
    ['a foreign requesting URL', 'app://verbatim/', { ...micCheck, requestingUrl: 'https://evil.example/' }],
  ] as const)('denies %s', (_name, origin, details) => {
    expect(isAllowedPermissionCheck('media', origin, details as PermissionCheckHandlerHandlerDetails)).toBe(
      false,
    );
  });

  it('denies every other permission', () => {
    expect(isAllowedPermissionCheck('geolocation', 'app://verbatim/', micCheck)).toBe(false);
    expect(isAllowedPermissionCheck('display-capture', 'app://verbatim/', micCheck)).toBe(false);
  });
});

describe('installPermissionHandlers', () => {
  it('routes Electron callbacks through the rules', () => {
    const session = { setPermissionRequestHandler: vi.fn(), setPermissionCheckHandler: vi.fn() };
    installPermissionHandlers(session as unknown as Session);
    const request = session.setPermissionRequestHandler.mock.calls[0]![0];
    const check = session.setPermissionCheckHandler.mock.calls[0]![0];

    const callback = vi.fn();
    request({}, 'media', callback, micRequest);
    request({}, 'media', callback, { ...micRequest, mediaTypes: ['video'] });
    request({}, 'media', callback, { ...micRequest, isMainFrame: false });
    expect(callback.mock.calls).toEqual([[true], [false], [false]]);

    expect(check(null, 'media', 'app://verbatim/', micCheck)).toBe(true);
    expect(check(null, 'media', 'https://evil.example/', micCheck)).toBe(false);
  });
});

describe('installRequestFilter', () => {
  it('cancels web requests that leave our origins', () => {
    const onBeforeRequest = vi.fn();
    installRequestFilter({ webRequest: { onBeforeRequest } } as unknown as Session);
    const [filter, listener] = onBeforeRequest.mock.calls[0]!;
    expect(filter.urls).toEqual(
      expect.arrayContaining(['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*']),
    );
    const callback = vi.fn();
    listener({ url: 'https://telemetry.example/collect' }, callback);
    listener({ url: 'ws://127.0.0.1:9222/' }, callback);
    expect(callback.mock.calls).toEqual([[{ cancel: true }], [{ cancel: true }]]);
  });
});

describe('hardenWebContents', () => {
  const navigate = (contents: EventEmitter, event: string, url: string) => {
    const preventDefault = vi.fn();
    contents.emit(event, { url, preventDefault, isMainFrame: true }, url);
    return preventDefault;
  };

  it.each(['will-navigate', 'will-frame-navigate', 'will-redirect'])(
    '%s: blocks other origins only',
    (event) => {
      const contents = new FakeWebContents();
      hardenWebContents(contents as unknown as WebContents);
      expect(navigate(contents, event, 'https://evil.example/')).toHaveBeenCalled();
      expect(navigate(contents, event, 'file:///etc/passwd')).toHaveBeenCalled();
      expect(navigate(contents, event, 'app://verbatim.evil/')).toHaveBeenCalled();
      expect(navigate(contents, event, 'app://verbatim/index.html')).not.toHaveBeenCalled();
    },
  );

  it('denies window.open and webview attachment', () => {
    const contents = new FakeWebContents();
    hardenWebContents(contents as unknown as WebContents);
    expect(contents.windowOpenHandler?.({ url: 'app://verbatim/index.html' })).toEqual({ action: 'deny' });
    expect(contents.windowOpenHandler?.({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    const preventDefault = vi.fn();
    contents.emit('will-attach-webview', { preventDefault }, {}, { src: 'https://example.com/' });
    expect(preventDefault).toHaveBeenCalled();
  });

  it('is applied to every webContents the app creates', () => {
    const app = new EventEmitter();
    installWebContentsGuards(app as never);
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    expect(navigate(contents, 'will-navigate', 'https://evil.example/')).toHaveBeenCalled();
    expect(contents.windowOpenHandler).not.toBeNull();
  });
});
