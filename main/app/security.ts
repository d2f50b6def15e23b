import type {
  App,
  FilesystemPermissionRequest,
  MediaAccessPermissionRequest,
  OpenExternalPermissionRequest,
  PermissionCheckHandlerHandlerDetails,
  PermissionRequest,
  Session,
  WebContents,
} from 'electron';
import { isAppUrl, type OriginPolicy } from './origins';

/**
 * Session- and webContents-level hardening. The rules are pure functions so they can be tested
 * without Electron; the install* functions only attach them.
 */

type PermissionName = Parameters<Parameters<Session['setPermissionRequestHandler']>[0] & object>[1];
type RequestDetails =
  | PermissionRequest
  | FilesystemPermissionRequest
  | MediaAccessPermissionRequest
  | OpenExternalPermissionRequest;

/**
 * Permission requests (checklist #5): only for our own page, only from the top-level frame, and only
 * - 'media' for the microphone (camera, 'video', is denied), and
 * - 'display-capture' for system audio: getDisplayMedia, which must ask for audio (a screen grab alone is
 *   never wanted); what it gets is decided by the display-media handler (display-media.ts: the loopback
 *   audio plus a screen source whose video the page stops at once).
 * Every other permission is denied.
 */
export function isAllowedPermissionRequest(
  permission: string,
  details: RequestDetails,
  trusted: OriginPolicy = isAppUrl,
): boolean {
  if (permission !== 'media' && permission !== 'display-capture') return false;
  if (!details.isMainFrame || !trusted(details.requestingUrl)) return false;
  const media = details as MediaAccessPermissionRequest;
  if (media.securityOrigin !== undefined && !trusted(media.securityOrigin)) return false;
  const types = media.mediaTypes ?? [];
  if (permission === 'display-capture') return types.includes('audio');
  return types.length > 0 && types.every((type) => type === 'audio');
}

/**
 * Permission checks (the synchronous "is it already granted?" half, e.g. device labels in
 * enumerateDevices): same rule; a check without a media type ('unknown') is denied.
 */
export function isAllowedPermissionCheck(
  permission: string,
  requestingOrigin: string,
  details: PermissionCheckHandlerHandlerDetails,
  trusted: OriginPolicy = isAppUrl,
): boolean {
  if (permission !== 'media' || details.mediaType !== 'audio' || !details.isMainFrame) return false;
  if (details.embeddingOrigin !== undefined) return false; // only set for cross-origin subframes
  if (!trusted(requestingOrigin)) return false;
  if (details.securityOrigin !== undefined && !trusted(details.securityOrigin)) return false;
  return details.requestingUrl === undefined || trusted(details.requestingUrl);
}

export function installPermissionHandlers(session: Session, trusted: OriginPolicy = isAppUrl): void {
  session.setPermissionRequestHandler((_contents, permission: PermissionName, callback, details) => {
    callback(isAllowedPermissionRequest(permission, details, trusted));
  });
  session.setPermissionCheckHandler((_contents, permission: PermissionName, requestingOrigin, details) =>
    isAllowedPermissionCheck(permission, requestingOrigin, details, trusted),
  );
}

/**
 * Network requests leaving the app (DESIGN: no network from the UI, no telemetry). Only web
 * schemes are filtered; app:, data:, blob: and devtools: never reach the network. The backend's
 * model downloads run in the utility process, which does not use this session.
 */
export function isAllowedWebRequest(url: string, trusted: OriginPolicy = isAppUrl): boolean {
  return trusted(url);
}

export function installRequestFilter(session: Session, trusted: OriginPolicy = isAppUrl): void {
  session.webRequest.onBeforeRequest(
    { urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*'] },
    (details, callback) => callback({ cancel: !isAllowedWebRequest(details.url, trusted) }),
  );
}

/** Navigation (checklist #13): a page may only navigate within our own origin. */
export function isAllowedNavigation(url: string, trusted: OriginPolicy = isAppUrl): boolean {
  return trusted(url);
}

type PreventableEvent = { preventDefault(): void };

/**
 * Applied to every webContents the app creates (windows, the capture renderer, devtools):
 * off-origin navigation and redirects are cancelled, new windows are denied (checklist #14),
 * and <webview> can never attach (checklist #12).
 */
export function hardenWebContents(contents: WebContents, trusted: OriginPolicy = isAppUrl): void {
  const guard = (event: PreventableEvent & { url: string }) => {
    if (!isAllowedNavigation(event.url, trusted)) event.preventDefault();
  };
  contents.on('will-navigate', guard);
  contents.on('will-frame-navigate', guard);
  contents.on('will-redirect', guard);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

export function installWebContentsGuards(app: Pick<App, 'on'>, trusted: OriginPolicy = isAppUrl): void {
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, trusted));
}
