/**
 * Names shared by the shell's modules and the preload. The renderer is served from a custom
 * standard scheme instead of file:// (Electron security checklist #18: file:// pages get extra
 * privileges and every local file shares one origin).
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'verbatim';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** IPC channels between main and the preload. Everything else flows over the backend MessagePort. */
export const IPC = {
  /** preload -> main: "give this page a backend port" (sent on load; main checks the sender). */
  hello: 'verbatim:hello',
  /** main -> preload: a fresh MessagePort to the backend, payload { restarts }. */
  port: 'verbatim:port',
  /** main -> preload: the backend died, payload { restarts, willRestart }. */
  lost: 'verbatim:backend-lost',
} as const;
