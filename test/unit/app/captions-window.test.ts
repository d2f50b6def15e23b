import { afterEach, describe, expect, it, vi } from 'vitest';
import { captionsUrl, createCaptionsWindow } from '../../../main/app/captions-window';
import { BrowserWindow, resetFake } from './fake-electron';

/** The shared fake plus what only this window uses (always-on-top level, workspaces, show without focus). */
vi.mock('electron', async () => {
  const fake = await import('./fake-electron');
  class CaptionsBrowserWindow extends fake.BrowserWindow {
    readonly setAlwaysOnTop = vi.fn();
    readonly setVisibleOnAllWorkspaces = vi.fn();
    readonly showInactive = vi.fn();
  }
  return { ...fake, BrowserWindow: CaptionsBrowserWindow };
});

type CaptionsFake = BrowserWindow & {
  setAlwaysOnTop: ReturnType<typeof vi.fn>;
  setVisibleOnAllWorkspaces: ReturnType<typeof vi.fn>;
  showInactive: ReturnType<typeof vi.fn>;
};

const open = (url = 'app://verbatim/index.html', log?: (message: string, detail?: unknown) => void) =>
  createCaptionsWindow({ preload: '/app/out/preload/index.js', url, log }) as unknown as CaptionsFake;

describe('createCaptionsWindow', () => {
  afterEach(() => resetFake());

  it('hardens the page exactly like the main window', () => {
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
      navigateOnDragDrop: false,
    });
    expect(prefs.enableBlinkFeatures).toBeUndefined();
  });

  it('is a small frameless window that stays on top', () => {
    const window = open();
    const options = window.options;
    expect(options).toMatchObject({ frame: false, alwaysOnTop: true, skipTaskbar: true, show: false });
    expect(options.width as number).toBeLessThanOrEqual(800);
    expect(options.height as number).toBeLessThanOrEqual(240);
    expect(options.opacity as number).toBeLessThan(1);
    expect(window.setAlwaysOnTop).toHaveBeenCalledWith(true, 'floating');
  });

  it('loads the app at #/captions and appears without taking focus', () => {
    const window = open('app://verbatim/index.html#/settings');
    expect(window.loadURL).toHaveBeenCalledWith('app://verbatim/index.html#/captions');
    expect(window.showInactive).not.toHaveBeenCalled();
    window.emit('ready-to-show');
    expect(window.showInactive).toHaveBeenCalled();
    expect(window.show).not.toHaveBeenCalled();
    expect(window.focus).not.toHaveBeenCalled();
  });

  it('logs instead of throwing when the page fails to load', async () => {
    BrowserWindow.loadError = new Error('ERR_FILE_NOT_FOUND');
    const log = vi.fn();
    open(undefined, log);
    await vi.waitFor(() =>
      expect(log).toHaveBeenCalledWith(expect.stringContaining('#/captions'), BrowserWindow.loadError),
    );
  });
});

describe('captionsUrl', () => {
  it('puts the captions route on the dev server URL too', () => {
    expect(captionsUrl('http://localhost:5173/')).toBe('http://localhost:5173/#/captions');
  });
});
