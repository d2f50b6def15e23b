import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMainWindow, focusWindow } from '../../../main/app/window';
import { BrowserWindow, resetFake } from './fake-electron';

vi.mock('electron', () => import('./fake-electron'));

const open = (log?: (message: string, detail?: unknown) => void) =>
  createMainWindow({
    preload: '/app/out/preload/index.js',
    url: 'app://verbatim/index.html',
    log,
  }) as unknown as BrowserWindow;

describe('createMainWindow', () => {
  afterEach(() => resetFake());

  it('isolates and sandboxes the renderer and uses our preload', () => {
    const prefs = open().options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      preload: '/app/out/preload/index.js',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
    });
    expect(prefs.enableBlinkFeatures).toBeUndefined();
  });

  it('loads the given URL and shows the window once it is ready', () => {
    const window = open();
    expect(window.loadURL).toHaveBeenCalledWith('app://verbatim/index.html');
    expect(window.options.show).toBe(false);
    expect(window.show).not.toHaveBeenCalled();
    window.emit('ready-to-show');
    expect(window.show).toHaveBeenCalled();
  });

  it('logs instead of throwing when the page fails to load', async () => {
    BrowserWindow.loadError = new Error('ERR_FILE_NOT_FOUND');
    const log = vi.fn();
    open(log);
    await vi.waitFor(() =>
      expect(log).toHaveBeenCalledWith(expect.stringContaining('could not load'), BrowserWindow.loadError),
    );
  });
});

describe('focusWindow', () => {
  it('restores a minimized window and focuses it', () => {
    const window = new BrowserWindow({});
    window.minimized = true;
    focusWindow(window as never);
    expect(window.restore).toHaveBeenCalled();
    expect(window.focus).toHaveBeenCalled();
  });
});
