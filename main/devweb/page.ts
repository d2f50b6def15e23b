/**
 * What the bridge changes in the app's index.html, and the Content-Security-Policy it sends.
 * Both are pure string functions so they can be checked without a server.
 */

/** Used only when the built page carries no policy of its own (it should; see renderer/index.html). */
const FALLBACK_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
  "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

const META_CSP = /<meta\s[^>]*http-equiv\s*=\s*["']?Content-Security-Policy["']?[^>]*>/i;

/** The policy in the page's `<meta http-equiv="Content-Security-Policy">`, if any. */
export function pagePolicy(html: string): string | null {
  const tag = META_CSP.exec(html)?.[0];
  if (!tag) return null;
  const content = /\scontent\s*=\s*(?:"([^"]*)"|'([^']*)')/i.exec(tag);
  const value = content?.[1] ?? content?.[2];
  return value ? decodeEntities(value).trim() : null;
}

/**
 * The app's own policy, sent as a header, with two changes: connect-src allows exactly this
 * server's WebSocket origin (not every loopback port), and frame-ancestors, which a meta tag
 * cannot carry, is set. The meta policy stays in the page too; the browser enforces both.
 */
export function bridgePolicy(appPolicy: string | null, wsOrigin: string): string {
  const directives = new Map<string, string[]>();
  for (const part of (appPolicy ?? FALLBACK_POLICY).split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) directives.set(name.toLowerCase(), sources);
  }
  directives.set('connect-src', ["'self'", wsOrigin]);
  directives.set('frame-ancestors', ["'none'"]);
  return [...directives].map(([name, sources]) => [name, ...sources].join(' ')).join('; ');
}

/**
 * Adds the bridge script ahead of the app's first script, so `window.verbatim` exists before
 * any app code runs. A classic external script: no inline code for the CSP to allow.
 */
export function injectBridgeScript(html: string, scriptUrl: string): string {
  const tag = `<script src="${escapeAttribute(scriptUrl)}"></script>`;
  const firstScript = html.search(/<script[\s>]/i);
  if (firstScript >= 0) return html.slice(0, firstScript) + tag + '\n    ' + html.slice(firstScript);
  const headEnd = html.search(/<\/head>/i);
  if (headEnd >= 0) return html.slice(0, headEnd) + tag + '\n  ' + html.slice(headEnd);
  throw new Error('index.html has neither a <script> nor a </head> to put the bridge before');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function decodeEntities(value: string): string {
  return value
    .replace(/&quot;/g, '"')
    .replace(/&#39;|&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}
