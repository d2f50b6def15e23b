/**
 * `npm run audit:electron`: Electronegativity (Doyensec's Electron security scanner), offline.
 *
 * What is scanned, and why both built and source code:
 *  - out/main, out/preload, out/renderer: what ships. The renderer's index.html carries the CSP meta tag,
 *    the preload bundle is the code that runs next to the page, and the main bundle holds the
 *    navigation, window-open and permission handlers. electron-vite does not minify main or preload,
 *    and the minified renderer bundle still parses (Babel).
 *  - main/app/**.ts (the shell's source) as well, because the bundle hides exactly what the
 *    BrowserWindow checks look for: they match `new BrowserWindow({...})` with a bare identifier,
 *    while the CommonJS bundle calls `new electron.BrowserWindow(...)`, so on out/ alone every
 *    webPreferences check (contextIsolation, sandbox, nodeIntegration, ...) would pass unseen.
 *    The source also keeps `// eng-disable CHECK_ID` comments (the scanner's inline suppression, which the
 *    bundler strips) and true line numbers. Windows built as `new x.BrowserWindow(...)` stay invisible
 *    even in the source; they are listed as warnings (findUnscannedWindows) so the gap is not silent.
 *  - package.json, for the checks that read it (Electron version, flags passed on the command line).
 * They are copied into a temporary directory with the repo's layout, so reported paths are repo paths.
 *
 * Offline: Electronegativity fetches translations from S3 on every run (locales/i18n.js, with a 1 s
 * timeout) and AvailableSecurityFixesGlobalCheck downloads Electron's release list. Both go through
 * the `got` package, which is replaced here, before the scanner loads, by a stub that answers 599
 * without touching the network (the translations then fall back to the bundled en-US). As a second
 * guard, any socket connection or DNS lookup made during the scan throws. The network check is
 * also excluded outright (see EXCLUDED_CHECKS).
 *
 * Output: test-results/electronegativity.json (all findings, normalised), the findings on stdout,
 * exit code 1 when any finding is HIGH or a file could not be parsed (see electronegativity-report.ts).
 *
 * Usage: tsx test/tools/electronegativity.ts [root]   (root defaults to the repository; it must hold
 * out/ from `npm run build`. Another root is useful to try the scanner on a deliberately bad app.)
 */
import dns from 'node:dns';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { loadSourceFiles } from './dependency-rules';
import {
  EXCLUDED_CHECKS,
  findUnscannedWindows,
  formatFinding,
  judge,
  SEVERITIES,
  toFinding,
  toScanError,
  type Finding,
  type ScanError,
} from './electronegativity-report';

/** Directories (relative to the root) that are scanned. The first three must exist. */
const BUILT = ['out/main', 'out/preload', 'out/renderer'];
const SOURCE = ['main/app'];
const FILES = ['package.json'];

interface RunOptions {
  input: string;
  excludeFromScan: string[];
  electronVersionOverride?: string;
  isRelative: boolean;
}
interface RunResult {
  globalChecks: number;
  atomicChecks: number;
  errors: unknown[];
  issues: unknown[];
}
type Run = (options: RunOptions, forCli?: boolean) => Promise<RunResult>;

const requireHere = createRequire(__filename);

/** Replaces `got` as Electronegativity resolves it, before anything loads it. */
function stubGot(blocked: string[]): void {
  const scannerDir = dirname(requireHere.resolve('@doyensec/electronegativity/package.json'));
  const gotPath = createRequire(join(scannerDir, 'package.json')).resolve('got');
  const offline = (url: unknown): Promise<{ statusCode: number; body: string }> => {
    blocked.push(String(url));
    return Promise.resolve({ statusCode: 599, body: '' });
  };
  const stub = new Module(gotPath);
  stub.filename = gotPath;
  stub.loaded = true;
  stub.exports = Object.assign(offline, { head: offline, get: offline, default: offline });
  requireHere.cache[gotPath] = stub;
}

/** While the scan runs, any TCP connection or DNS lookup throws instead of leaving the machine. */
function forbidNetwork(blocked: string[]): () => void {
  const socket = net.Socket.prototype as unknown as { connect: (...args: unknown[]) => unknown };
  const resolver = dns as unknown as { lookup: (...args: unknown[]) => unknown };
  const connect = socket.connect;
  const lookup = resolver.lookup;
  socket.connect = function (...args: unknown[]) {
    blocked.push(`socket ${JSON.stringify(args[0])}`);
    throw new Error('electronegativity audit: network access is disabled');
  };
  resolver.lookup = (...args: unknown[]) => {
    blocked.push(`dns ${String(args[0])}`);
    throw new Error('electronegativity audit: network access is disabled');
  };
  return () => {
    socket.connect = connect;
    resolver.lookup = lookup;
  };
}

function stage(root: string): { dir: string; scanned: string[] } {
  const missing = BUILT.filter((rel) => !existsSync(join(root, rel)));
  if (missing.length > 0) {
    throw new Error(`${missing.join(', ')} not found under ${root}: run \`npm run build\` first`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'verbatim-electronegativity-'));
  const scanned: string[] = [];
  for (const rel of [...BUILT, ...SOURCE, ...FILES]) {
    const from = join(root, rel);
    if (!existsSync(from)) continue;
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    cpSync(from, join(dir, rel), { recursive: true });
    scanned.push(rel);
  }
  return { dir, scanned };
}

function installedElectronVersion(): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(requireHere.resolve('electron/package.json'), 'utf8')) as {
      version?: string;
    };
    return pkg.version;
  } catch {
    return undefined; // the scanner then reads the range from package.json
  }
}

async function main(): Promise<number> {
  const root = resolve(process.argv[2] ?? join(__dirname, '../..'));
  const blocked: string[] = [];
  // Its translation loader asks for `${LANG}.json`; pin the locale the package ships.
  process.env.LANG = 'en-US';
  stubGot(blocked);

  const { dir, scanned } = stage(root);
  const electronVersion = installedElectronVersion();
  const restoreNetwork = forbidNetwork(blocked);
  let result: RunResult;
  try {
    const run = requireHere('@doyensec/electronegativity') as Run;
    result = await run({
      input: dir,
      excludeFromScan: Object.keys(EXCLUDED_CHECKS),
      isRelative: true,
      ...(electronVersion ? { electronVersionOverride: electronVersion } : {}),
    });
  } finally {
    restoreNetwork();
    rmSync(dir, { recursive: true, force: true });
  }

  const findings: Finding[] = result.issues.map(toFinding);
  const errors: ScanError[] = result.errors
    .map(toScanError)
    .map((e) => ({ ...e, file: relative(dir, e.file) }));
  const verdict = judge(findings, errors);
  const unscannedWindows = [...loadSourceFiles(root, SOURCE)].flatMap(([file, source]) =>
    findUnscannedWindows(file, source),
  );

  const reportPath = join(root, 'test-results', 'electronegativity.json');
  mkdirSync(dirname(reportPath), { recursive: true });
  const scannerVersion = (requireHere('@doyensec/electronegativity/package.json') as { version: string })
    .version;
  writeFileSync(
    reportPath,
    `${JSON.stringify(
      {
        tool: `@doyensec/electronegativity ${scannerVersion}`,
        electronVersion: electronVersion ?? null,
        scanned,
        excludedChecks: EXCLUDED_CHECKS,
        checksRun: { global: result.globalChecks, atomic: result.atomicChecks },
        networkRequestsBlocked: blocked,
        pass: verdict.pass,
        unscannedWindows,
        findings,
        errors,
      },
      null,
      2,
    )}\n`,
  );

  console.log(
    `electronegativity ${scannerVersion}: ${result.atomicChecks} atomic + ${result.globalChecks} global checks ` +
      `over ${scanned.join(', ')} (Electron ${electronVersion ?? 'from package.json'}); excluded: ` +
      `${Object.keys(EXCLUDED_CHECKS).join(', ')}`,
  );
  if (blocked.length > 0) console.log(`network requests answered offline (not sent): ${blocked.join(', ')}`);
  for (const error of errors) {
    console.log(`${error.tolerable ? 'parse warning' : 'NOT SCANNED'} ${error.file}: ${error.message}`);
  }
  const shown = [...verdict.blocking, ...verdict.advisory].sort(
    (a, b) =>
      SEVERITIES.indexOf(b.severity) - SEVERITIES.indexOf(a.severity) ||
      a.file.localeCompare(b.file) ||
      a.line - b.line,
  );
  for (const finding of shown) console.log(formatFinding(finding));
  for (const window of unscannedWindows) {
    console.log(
      `WARNING       ${window.file}:${window.line} \`${window.code}\`: the scanner's BrowserWindow checks ` +
        `cannot see this window (callee is not the bare identifier BrowserWindow), so its webPreferences are not audited`,
    );
  }
  console.log(
    `${verdict.blocking.length} blocking (HIGH), ${verdict.advisory.length} advisory, ` +
      `${verdict.unparsed.length} unparsed file(s), ${unscannedWindows.length} unaudited window(s); ` +
      `report: ${relative(process.cwd(), reportPath)}`,
  );
  console.log(verdict.pass ? 'electronegativity: PASS' : 'electronegativity: FAIL');
  return verdict.pass ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 2;
  },
);
