import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildCsp } from '../../../main/app/app-protocol';
import type { BrowserWindow as FakeBrowserWindow, FakeElectron, FakeUtilityProcess } from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

const appDir = join(__dirname, '..', '..', '..', 'main', 'app');

/** Runs main.ts from scratch against a fresh fake electron. */
async function boot(configure: (electron: FakeElectron) => void = () => {}) {
  vi.resetModules();
  const electron = (await import('electron')) as unknown as FakeElectron;
  electron.resetFake();
  configure(electron);
  await import('../../../main/app/main');
  return electron;
}

const mainFrameHello = (window: FakeBrowserWindow, url = 'app://verbatim/index.html') => ({
  sender: window.webContents,
  senderFrame: { url, parent: null },
});

describe('main.ts wiring', () => {
  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('quits a second instance before doing anything else', async () => {
    const electron = await boot((e) => (e.app.singleInstance = false));
    expect(electron.app.requestSingleInstanceLock).toHaveBeenCalled();
    expect(electron.app.quit).toHaveBeenCalled();
    await electron.becomeReady();
    expect(electron.BrowserWindow.instances).toHaveLength(0);
    expect(electron.utilityProcess.fork).not.toHaveBeenCalled();
    expect(electron.protocol.handle).not.toHaveBeenCalled();
  });

  it('registers the scheme and sandboxing before ready, the rest after', async () => {
    const electron = await boot();
    expect(electron.app.enableSandbox).toHaveBeenCalled();
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      expect.objectContaining({
        scheme: 'app',
        privileges: expect.objectContaining({ standard: true, secure: true }),
      }),
    ]);
    expect(electron.protocol.handle).not.toHaveBeenCalled();
    expect(electron.BrowserWindow.instances).toHaveLength(0);

    await electron.becomeReady();
    expect(electron.protocol.handle).toHaveBeenCalledWith('app', expect.any(Function));
    const serve = electron.protocol.handle.mock.calls[0]![1] as (request: Request) => Promise<Response>;
    const traversal = await serve(new Request('app://verbatim/..%2f..%2fpackage.json'));
    expect(traversal.status).toBe(404);
    expect(traversal.headers.get('content-security-policy')).toBe(buildCsp());
    expect(electron.session.defaultSession.setPermissionRequestHandler).toHaveBeenCalled();
    expect(electron.session.defaultSession.setPermissionCheckHandler).toHaveBeenCalled();
    expect(electron.session.defaultSession.webRequest.onBeforeRequest).toHaveBeenCalled();
  });

  it('serves system audio to our page only, with the loopback feature switched on before ready', async () => {
    vi.spyOn(process, 'platform', 'get').mockReturnValue('linux');
    const electron = await boot((e) => e.app.switches.set('enable-features', 'SomethingElse'));
    // Merged, not replaced: Chromium keeps one value per switch.
    expect(electron.app.switches.get('enable-features')).toBe(
      'SomethingElse,PulseaudioLoopbackForScreenShare',
    );
    expect(electron.session.defaultSession.setDisplayMediaRequestHandler).not.toHaveBeenCalled();

    await electron.becomeReady();
    const handler = electron.session.defaultSession.setDisplayMediaRequestHandler.mock.calls[0]![0] as (
      request: unknown,
      callback: (streams: unknown) => void,
    ) => void;
    const answer = (request: unknown) => new Promise((resolve) => handler(request, resolve));
    const own = {
      frame: { url: 'app://verbatim/index.html', origin: 'app://verbatim', parent: null },
      securityOrigin: 'app://verbatim/',
      audioRequested: true,
      videoRequested: true,
    };
    expect(await answer(own)).toEqual({
      video: { id: 'screen:1:0', name: 'Entire screen' },
      audio: 'loopback',
    });
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(
      await answer({
        ...own,
        securityOrigin: 'https://evil.example/',
        frame: { url: 'https://evil.example/', origin: 'https://evil.example', parent: null },
      }),
    ).toBeNull();
  });

  it('opens a hardened window on app://verbatim with the bundled preload', async () => {
    const electron = await boot();
    await electron.becomeReady();
    const [window] = electron.BrowserWindow.instances.slice(-1);
    expect(window!.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      preload: join(appDir, '..', 'preload', 'index.js'),
    });
    expect(window!.loadURL).toHaveBeenCalledWith('app://verbatim/index.html');
    // The web-contents-created guard is installed: foreign navigation is cancelled.
    const preventDefault = vi.fn();
    window!.webContents.emit('will-navigate', { url: 'https://evil.example/', preventDefault });
    expect(preventDefault).toHaveBeenCalled();
  });

  it('starts the backend utility process and brokers a port for a validated hello', async () => {
    const electron = await boot();
    await electron.becomeReady();
    expect(electron.utilityProcess.fork).toHaveBeenCalledTimes(1);
    const [modulePath, , options] = electron.utilityProcess.fork.mock.calls[0]! as [
      string,
      string[],
      { serviceName: string; env: Record<string, string> },
    ];
    expect(modulePath).toBe(join(appDir, 'backend.js'));
    expect(options.serviceName).toBe('Verbatim backend');
    expect(options.env).toMatchObject({
      VERBATIM_DATA_DIR: join('/fake/userData', 'data'),
      VERBATIM_APP_VERSION: '1.2.3',
    });
    const child = electron.utilityProcess.fork.mock.results[0]!.value as FakeUtilityProcess;
    const window = electron.BrowserWindow.instances.at(-1)!;

    // Main's own link (the app protocol asks it where a meeting's audio is) holds the first port.
    expect(child.postMessage).toHaveBeenCalledTimes(1);
    expect(child.postMessage).toHaveBeenCalledWith({ type: 'connect' }, [expect.anything()]);

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    electron.ipcMain.emit('verbatim:hello', mainFrameHello(window, 'https://evil.example/'));
    expect(child.postMessage).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('refused'));

    electron.ipcMain.emit('verbatim:hello', mainFrameHello(window));
    expect(child.postMessage).toHaveBeenCalledTimes(2);
    expect(child.postMessage).toHaveBeenLastCalledWith({ type: 'connect' }, [
      expect.objectContaining({ side: 'port1' }),
    ]);
    expect(window.webContents.postMessage).toHaveBeenCalledWith('verbatim:port', { restarts: 0 }, [
      expect.objectContaining({ side: 'port2' }),
    ]);
  });

  it('focuses the existing window when a second instance starts', async () => {
    const electron = await boot();
    await electron.becomeReady();
    const window = electron.BrowserWindow.instances.at(-1)!;
    window.minimized = true;
    electron.app.emit('second-instance', {}, [], '/');
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
  });

  it('holds the quit until the backend has shut down', async () => {
    const electron = await boot();
    await electron.becomeReady();
    const child = electron.utilityProcess.fork.mock.results[0]!.value as FakeUtilityProcess;

    const quitEvent = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', quitEvent);
    expect(quitEvent.preventDefault).toHaveBeenCalled();
    expect(child.postMessage).toHaveBeenCalledWith({ type: 'shutdown' });
    expect(electron.app.quit).not.toHaveBeenCalled();

    child.emit('exit', 0);
    await vi.waitFor(() => expect(electron.app.quit).toHaveBeenCalled());
    const second = { preventDefault: vi.fn() };
    electron.app.emit('before-quit', second);
    expect(second.preventDefault).not.toHaveBeenCalled();
  });

  it('loads the electron-vite dev server only in an unpackaged app, and trusts it for IPC', async () => {
    vi.stubEnv('ELECTRON_RENDERER_URL', 'http://localhost:5173');
    const dev = await boot();
    await dev.becomeReady();
    const window = dev.BrowserWindow.instances.at(-1)!;
    expect(window.loadURL).toHaveBeenCalledWith('http://localhost:5173');
    dev.ipcMain.emit('verbatim:hello', mainFrameHello(window, 'http://localhost:5173/'));
    expect(window.webContents.postMessage).toHaveBeenCalledWith(
      'verbatim:port',
      { restarts: 0 },
      expect.any(Array),
    );

    const packaged = await boot((e) => (e.app.isPackaged = true));
    await packaged.becomeReady();
    expect(packaged.BrowserWindow.instances.at(-1)!.loadURL).toHaveBeenCalledWith(
      'app://verbatim/index.html',
    );
  });
});
