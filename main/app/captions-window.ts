import { BrowserWindow } from 'electron';

export interface CaptionsWindowOptions {
  /** Bundled preload (out/preload/index.js): the captions page talks to the backend like the main window. */
  preload: string;
  /** The app's entry URL (app://verbatim/index.html or the dev server); the page is its #/captions. */
  url: string;
  log?: (message: string, detail?: unknown) => void;
}

export const CAPTIONS_HASH = '#/captions';

/** The entry URL with the captions route as its hash (any hash it had is replaced). */
export function captionsUrl(entryUrl: string): string {
  const url = new URL(entryUrl);
  url.hash = CAPTIONS_HASH;
  return url.toString();
}

/**
 * The small always-on-top captions window (issue 9 item 2): the last two caption lines over whatever the
 * user is looking at (the call itself, usually). Frameless, so the page provides the drag region
 * (-webkit-app-region in renderer/src/live/live.css) and its own Close button; slightly translucent so
 * it does not hide what is under it; kept out of the taskbar, it is part of the main window's session.
 * Shown without taking focus: opening it must not pull the user out of the call app.
 *
 * webPreferences repeat the main window's hardening literally (see window.ts for why literal).
 */
export function createCaptionsWindow(options: CaptionsWindowOptions): BrowserWindow {
  const log = options.log ?? ((message, detail) => console.error(`[captions] ${message}`, detail ?? ''));
  const url = captionsUrl(options.url);
  const window = new BrowserWindow({
    width: 720,
    height: 170,
    minWidth: 320,
    minHeight: 110,
    title: 'Verbatim captions',
    show: false,
    frame: false,
    alwaysOnTop: true,
    skipTaskbar: true,
    resizable: true,
    minimizable: false,
    maximizable: false,
    fullscreenable: false,
    opacity: 0.92,
    backgroundColor: '#1c1f23',
    webPreferences: {
      preload: options.preload,
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
      disableBlinkFeatures: 'Auxclick',
      safeDialogs: true,
      spellcheck: false,
    },
  });
  // 'floating' keeps it above ordinary windows (and above full-screen apps on macOS with the flag below).
  window.setAlwaysOnTop(true, 'floating');
  window.setVisibleOnAllWorkspaces(true, { visibleOnFullScreen: true });
  window.once('ready-to-show', () => window.showInactive());
  window.loadURL(url).catch((error: unknown) => log(`could not load ${url}`, error));
  return window;
}
