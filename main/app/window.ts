import { BrowserWindow } from 'electron';

export interface MainWindowOptions {
  /** Bundled preload (out/preload/index.js). */
  preload: string;
  /** app://verbatim/index.html, or the dev server in `npm run dev`. */
  url: string;
  log?: (message: string, detail?: unknown) => void;
}

/**
 * The main window. webPreferences spell out every security-relevant default on purpose, so an
 * Electron default change or a careless edit shows up in review and in tests. The options are a
 * literal inside `new BrowserWindow(...)` so Electronegativity can check them in the source.
 */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const log = options.log ?? ((message, detail) => console.error(`[window] ${message}`, detail ?? ''));
  const window = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    title: 'Verbatim',
    show: false, // shown on 'ready-to-show' to avoid a white flash
    backgroundColor: '#1e1e1e',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true, // checklist #3
      sandbox: true, // checklist #4
      nodeIntegration: false, // checklist #2
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true, // checklist #6
      allowRunningInsecureContent: false, // checklist #8
      experimentalFeatures: false, // checklist #9
      webviewTag: false, // checklist #12
      navigateOnDragDrop: false, // a dropped file must not replace the app page
      disableBlinkFeatures: 'Auxclick', // middle-click must not open links (Electronegativity AUXCLICK)
      safeDialogs: true,
      spellcheck: false, // the spellchecker may download dictionaries
    },
  });
  window.once('ready-to-show', () => window.show());
  window.loadURL(options.url).catch((error: unknown) => log(`could not load ${options.url}`, error));
  return window;
}

/** Brings an existing window to the front (second instance started, dock icon clicked). */
export function focusWindow(window: Pick<BrowserWindow, 'isMinimized' | 'restore' | 'show' | 'focus'>): void {
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
