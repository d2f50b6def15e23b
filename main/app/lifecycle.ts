import { join } from 'node:path';
import {
  app,
  BrowserWindow,
  desktopCapturer,
  ipcMain,
  MessageChannelMain,
  protocol,
  session,
  utilityProcess,
} from 'electron';
import { installAppProtocol, registerAppScheme } from './app-protocol';
import { buildBackendEnv, createBackendHost } from './backend-host';
import { createCaptionsController, type CaptionsController } from './captions-controller';
import { createCaptionsWindow } from './captions-window';
import { APP_ENTRY_URL, APP_ORIGIN } from './constants';
import { enableLoopbackFeatures, installDisplayMediaHandler } from './display-media';
import { registerIpc } from './ipc';
import { createMainBackendLink } from './media-protocol';
import { createOriginPolicy, devServerOrigin } from './origins';
import { appPaths } from './paths';
import { installPermissionHandlers, installRequestFilter, installWebContentsGuards } from './security';
import { createMainWindow, focusWindow } from './window';

export interface StartOptions {
  /** Folder of the main bundle (out/main); the other bundles are found relative to it. */
  mainDir: string;
  env?: Record<string, string | undefined>;
  log?: (message: string, detail?: unknown) => void;
}

/**
 * Wires the shell: one instance, app:// protocol, hardened sessions and webContents, the backend
 * utility process, the main window, and a quit that lets the backend close its store first.
 */
export function startVerbatim(options: StartOptions): void {
  const env = options.env ?? process.env;
  const log = options.log ?? ((message, detail) => console.error(`[main] ${message}`, detail ?? ''));

  // Checklist #4: sandbox every renderer, including any created without our webPreferences.
  app.enableSandbox();
  registerAppScheme(protocol);
  // Before 'ready': Chromium reads its features once, at start-up.
  enableLoopbackFeatures(app.commandLine, process.platform);

  if (!app.requestSingleInstanceLock()) {
    // Another Verbatim owns the archive and the microphone; it focuses its window (below).
    app.quit();
    return;
  }

  const paths = appPaths(options.mainDir);
  const dev = devServerOrigin(env, app.isPackaged);
  const trusted = createOriginPolicy(dev ? [APP_ORIGIN, dev] : [APP_ORIGIN]);
  // Vite's hot reload talks over a WebSocket to the dev server; nothing else may use the network.
  const network = createOriginPolicy(dev ? [APP_ORIGIN, dev, dev.replace(/^http/, 'ws')] : [APP_ORIGIN]);
  const entryUrl = dev ?? APP_ENTRY_URL;
  installWebContentsGuards(app, trusted);

  const host = createBackendHost({
    modulePath: paths.backend,
    env: buildBackendEnv(env, {
      dataDir: join(app.getPath('userData'), 'data'),
      appVersion: app.getVersion(),
      electronVersion: process.versions.electron ?? '',
      bundledModelsDir: bundledModelsDir(app.isPackaged),
    }),
    fork: (modulePath, args, forkOptions) => utilityProcess.fork(modulePath, args, forkOptions),
    createChannel: () => new MessageChannelMain(),
  });
  // Main's own link to the backend (a port like a window's, re-sent after every restart): the app
  // protocol asks it where a meeting's audio is before streaming the file with range support.
  const mediaLink = createMainBackendLink();
  host.connect(mediaLink.renderer);

  let mainWindow: BrowserWindow | null = null;
  let captions: CaptionsController | null = null;
  const openMainWindow = () => {
    const window = createMainWindow({ preload: paths.preload, url: entryUrl, log });
    window.on('closed', () => {
      if (mainWindow === window) mainWindow = null;
      // The captions window belongs to the main one; left alone it would keep the app from quitting.
      captions?.dismiss();
    });
    mainWindow = window;
  };

  app.on('second-instance', () => {
    if (mainWindow) focusWindow(mainWindow);
  });

  app
    .whenReady()
    .then(() => {
      installAppProtocol(protocol, paths.renderer, mediaLink.resolveMedia);
      installPermissionHandlers(session.defaultSession, trusted);
      installDisplayMediaHandler(session.defaultSession, {
        trusted,
        getSources: (o) => desktopCapturer.getSources(o),
        log,
      });
      installRequestFilter(session.defaultSession, network);
      registerIpc({ ipcMain, trusted, onHello: (sender) => host.connect(sender) });
      // Before host.start(): the link's first 'connected' is what makes the controller read the state.
      captions = createCaptionsController({
        link: mediaLink,
        openWindow: () => createCaptionsWindow({ preload: paths.preload, url: entryUrl, log }),
        log,
      });
      host.start();
      openMainWindow();
      // macOS: clicking the dock icon with no window open brings one back.
      app.on('activate', () => {
        if (BrowserWindow.getAllWindows().length === 0) openMainWindow();
      });
    })
    .catch((error: unknown) => {
      log('start-up failed', error);
      app.quit();
    });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  // Graceful shutdown: hold the quit until the backend has flushed its store (it gets a grace
  // period, then it is killed), then quit for real.
  let stopping = false;
  app.on('before-quit', (event) => {
    if (host.state === 'stopped' || host.state === 'idle') return;
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    host
      .stop()
      .catch((error: unknown) => log('backend stop failed', error))
      .finally(() => app.quit());
  });
}

/** electron-builder's extraResources put bundled models in <resources>/models (electron-builder.yml). */
function bundledModelsDir(isPackaged: boolean): string | null {
  const resources = (process as { resourcesPath?: string }).resourcesPath;
  return isPackaged && resources ? join(resources, 'models') : null;
}
