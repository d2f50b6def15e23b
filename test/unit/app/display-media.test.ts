import { describe, expect, it, vi } from 'vitest';
import {
  answerDisplayMedia,
  enableLoopbackFeatures,
  installDisplayMediaHandler,
  isOwnMainFrame,
  mergeFeatureList,
  type DisplayMediaRequest,
} from '../../../main/app/display-media';
import { createOriginPolicy } from '../../../main/app/origins';

const APP = 'app://verbatim/index.html';
const ownRequest: DisplayMediaRequest = {
  frame: { url: APP, origin: 'app://verbatim', parent: null },
  securityOrigin: 'app://verbatim/',
  audioRequested: true,
  videoRequested: true,
};
const screens = [
  { id: 'screen:7:0', name: 'Entire screen' },
  { id: 'screen:8:0', name: 'Screen 2' },
];
const getSources = vi.fn(async () => screens);

describe('isOwnMainFrame', () => {
  it('accepts our top-level page', () => expect(isOwnMainFrame(ownRequest)).toBe(true));

  it.each<[string, DisplayMediaRequest]>([
    ['a destroyed frame', { ...ownRequest, frame: null }],
    ['a subframe', { ...ownRequest, frame: { ...ownRequest.frame!, parent: ownRequest.frame as never } }],
    [
      'another origin',
      {
        ...ownRequest,
        securityOrigin: 'https://evil.example',
        frame: { url: 'https://evil.example/', origin: 'https://evil.example', parent: null },
      },
    ],
    ['a foreign security origin on our URL', { ...ownRequest, securityOrigin: 'https://evil.example' }],
    ['an opaque origin on our URL', { ...ownRequest, frame: { ...ownRequest.frame!, origin: 'null' } }],
    ['an empty frame URL', { ...ownRequest, frame: { ...ownRequest.frame!, url: '' } }],
    [
      'a spoofed host with credentials',
      { ...ownRequest, frame: { ...ownRequest.frame!, url: 'app://verbatim@evil.example/' } },
    ],
  ])('refuses %s', (_name, request) => expect(isOwnMainFrame(request)).toBe(false));

  it('follows the origin policy it is given (the dev server in development)', () => {
    const dev = createOriginPolicy(['app://verbatim', 'http://localhost:5173']);
    const request = {
      ...ownRequest,
      securityOrigin: 'http://localhost:5173',
      frame: { url: 'http://localhost:5173/', origin: 'http://localhost:5173', parent: null },
    };
    expect(isOwnMainFrame(request, dev)).toBe(true);
    expect(isOwnMainFrame(request)).toBe(false);
  });
});

describe('answerDisplayMedia', () => {
  it('grants our page loopback audio with the first screen as the (discarded) video source', async () => {
    getSources.mockClear();
    const streams = await answerDisplayMedia(ownRequest, { getSources });
    expect(streams).toEqual({ video: { id: 'screen:7:0', name: 'Entire screen' }, audio: 'loopback' });
    expect(getSources).toHaveBeenCalledWith(expect.objectContaining({ types: ['screen'] }));
  });

  it('refuses other frames without even listing the screens', async () => {
    getSources.mockClear();
    const foreign = {
      ...ownRequest,
      frame: { url: 'https://evil.example/', origin: 'https://evil.example', parent: null },
    };
    expect(await answerDisplayMedia(foreign, { getSources })).toBeNull();
    expect(getSources).not.toHaveBeenCalled();
  });

  it('refuses a video-only request: a screen grab alone is never handed out', async () => {
    expect(await answerDisplayMedia({ ...ownRequest, audioRequested: false }, { getSources })).toBeNull();
  });

  it('refuses when the OS lists no screen', async () => {
    expect(await answerDisplayMedia(ownRequest, { getSources: async () => [] })).toBeNull();
  });
});

describe('installDisplayMediaHandler', () => {
  type Handler = (request: DisplayMediaRequest, callback: (streams: unknown) => void) => void;
  function install(options: Partial<Parameters<typeof installDisplayMediaHandler>[1]> = {}) {
    const session = { setDisplayMediaRequestHandler: vi.fn() };
    const log = vi.fn();
    installDisplayMediaHandler(session as never, { getSources, log, ...options });
    expect(session.setDisplayMediaRequestHandler).toHaveBeenCalledWith(expect.any(Function), {
      useSystemPicker: false,
    });
    const handler = session.setDisplayMediaRequestHandler.mock.calls[0]![0] as Handler;
    const answer = (request: DisplayMediaRequest) =>
      new Promise<unknown>((resolve) => handler(request, resolve));
    return { answer, log };
  }

  it('answers our page with loopback audio and other pages with nothing', async () => {
    const { answer, log } = install();
    expect(await answer(ownRequest)).toMatchObject({ audio: 'loopback' });
    expect(await answer({ ...ownRequest, securityOrigin: 'https://evil.example' })).toBeNull();
    expect(log).toHaveBeenCalledWith(expect.stringContaining('refused'));
  });

  it('refuses (and logs) when listing the screens fails', async () => {
    const { answer, log } = install({ getSources: () => Promise.reject(new Error('no display')) });
    expect(await answer(ownRequest)).toBeNull();
    expect(log).toHaveBeenCalledWith('display-media request failed', expect.any(Error));
  });
});

describe('loopback feature switch', () => {
  function commandLine(initial?: string) {
    const switches = new Map<string, string>(initial === undefined ? [] : [['enable-features', initial]]);
    return {
      switches,
      getSwitchValue: (name: string) => switches.get(name) ?? '',
      appendSwitch: (name: string, value = '') => void switches.set(name, value),
    };
  }

  it('merges feature lists without duplicates or empty entries', () => {
    expect(mergeFeatureList('', ['A'])).toBe('A');
    expect(mergeFeatureList('X, Y,', ['Y', 'Z'])).toBe('X,Y,Z');
  });

  it('adds PulseaudioLoopbackForScreenShare on Linux, keeping features already enabled', () => {
    const cl = commandLine('WebRTCPipeWireCapturer');
    enableLoopbackFeatures(cl, 'linux');
    expect(cl.switches.get('enable-features')).toBe(
      'WebRTCPipeWireCapturer,PulseaudioLoopbackForScreenShare',
    );
    enableLoopbackFeatures(cl, 'linux'); // idempotent
    expect(cl.switches.get('enable-features')).toBe(
      'WebRTCPipeWireCapturer,PulseaudioLoopbackForScreenShare',
    );
  });

  it('leaves the command line alone elsewhere', () => {
    for (const platform of ['darwin', 'win32'] as const) {
      const cl = commandLine();
      enableLoopbackFeatures(cl, platform);
      expect(cl.switches.has('enable-features')).toBe(false);
    }
  });
});
