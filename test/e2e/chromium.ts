/**
 * What every e2e suite shares: where the build and the screenshots are, which Chromium it drives (Debian's,
 * never a downloaded one) and how, and whether this machine can run it at all.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from 'playwright-core';

export const ROOT = resolve(__dirname, '..', '..');
export const RENDERER_DIR = join(ROOT, 'out', 'renderer');
export const SCREENSHOTS = join(ROOT, 'test-results', 'e2e');
export const CHROMIUM = '/usr/bin/chromium';

/** Headless, and quiet on the network: nothing in a test run may reach out (the app works offline). */
export const CHROMIUM_ARGS: string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-quic',
  '--disable-sync',
];

/** Chromium's fake capture devices, the microphone playing `wav` once (system audio uses the same file). */
export function fakeMediaArgs(wav: string): string[] {
  return [
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${wav}%noloop`,
    '--autoplay-policy=no-user-gesture-required',
  ];
}

function hasCommand(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * True when Chromium and the given commands are installed; otherwise says what is missing (the suite is then
 * skipped: .ci/run installs them all, so CI never skips).
 */
export function canRunSuite(suite: string, commands: readonly string[] = []): boolean {
  const missing = [...(existsSync(CHROMIUM) ? [] : [CHROMIUM]), ...commands.filter((c) => !hasCommand(c))];
  if (missing.length > 0) {
    console.warn(
      `[e2e] ${missing.join(', ')} missing: skipping the ${suite} suite (apt-get install chromium ${commands.join(' ')}).`,
    );
  }
  return missing.length === 0;
}

/** The suites run the built renderer: say how to get it rather than fail on a blank page. */
export function requireBuild(): void {
  const index = join(RENDERER_DIR, 'index.html');
  if (!existsSync(index)) throw new Error(`${index} is missing: run npx electron-vite build first.`);
}

/**
 * Collects what must never happen on our pages into `problems` (console errors and warnings, uncaught
 * errors) and records CSP violations in window.__cspViolations (the init script runs before the app).
 */
export async function watchPage(page: Page, problems: string[]): Promise<void> {
  await page.addInitScript(`
    window.__cspViolations = [];
    document.addEventListener('securitypolicyviolation', (event) =>
      window.__cspViolations.push(event.violatedDirective + ' blocked ' + event.blockedURI));
  `);
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      problems.push(`${message.type()}: ${message.text()}`);
    }
  });
  page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
}
