import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  findUnscannedWindows,
  judge,
  toFinding,
  toScanError,
  type Finding,
  type Severity,
} from '../../tools/electronegativity-report';

const order = { INFORMATIONAL: 0, LOW: 1, MEDIUM: 2, HIGH: 3 } as const;

/** An issue object shaped like the ones Electronegativity's runner returns (atomic check). */
function rawIssue(
  id: string,
  severity: Severity,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    file: 'main/app/window.ts',
    sample: 'new BrowserWindow({ webPreferences: { contextIsolation: false } })',
    location: { line: 12, column: 4 },
    id,
    description: 'Review the use of the contextIsolation option',
    properties: undefined,
    severity: { value: order[severity], name: severity, format: () => severity },
    confidence: { value: 1, name: 'FIRM', format: () => 'FIRM' },
    manualReview: false,
    shortenedURL: 'https://example.invalid/wiki',
    visibility: { excludesGlobal: [], inlineDisabled: false, globalCheckDisabled: false },
    constructorName: 'ContextIsolationJSCheck',
    ...extra,
  };
}

/** A global check's finding: no class name, no file. */
function rawGlobal(id: string, severity: Severity): Record<string, unknown> {
  return {
    file: 'N/A',
    location: { line: 0, column: 0 },
    id,
    description: 'whole-app finding',
    severity: { value: order[severity], name: severity },
    confidence: { value: 2, name: 'CERTAIN' },
    manualReview: false,
  };
}

const finding = (id: string, severity: Severity): Finding => toFinding(rawIssue(id, severity));

describe('toFinding', () => {
  it('keeps what the report needs from an Electronegativity issue and drops its functions', () => {
    expect(toFinding(rawIssue('CONTEXT_ISOLATION_JS_CHECK', 'HIGH'))).toEqual({
      id: 'CONTEXT_ISOLATION_JS_CHECK',
      check: 'ContextIsolationJSCheck',
      severity: 'HIGH',
      confidence: 'FIRM',
      file: 'main/app/window.ts',
      line: 12,
      column: 4,
      sample: 'new BrowserWindow({ webPreferences: { contextIsolation: false } })',
      description: 'Review the use of the contextIsolation option',
      manualReview: false,
    });
    expect(toFinding(rawGlobal('LIMIT_NAVIGATION_GLOBAL_CHECK', 'HIGH'))).toMatchObject({
      check: null,
      file: 'N/A',
      sample: null,
    });
  });

  it('rejects an issue whose shape it does not know rather than guessing its severity', () => {
    expect(() =>
      toFinding(rawIssue('X_CHECK', 'HIGH', { severity: { value: 4, name: 'CRITICAL' } })),
    ).toThrow();
    expect(() => toFinding({ id: 'X_CHECK' })).toThrow();
  });
});

describe('judge', () => {
  it('fails on a HIGH finding', () => {
    const high = finding('CONTEXT_ISOLATION_JS_CHECK', 'HIGH');
    const verdict = judge([finding('SANDBOX_JS_CHECK', 'MEDIUM'), high]);
    expect(verdict.pass).toBe(false);
    expect(verdict.blocking).toEqual([high]);
    expect(verdict.advisory.map((f) => f.id)).toEqual(['SANDBOX_JS_CHECK']);
  });

  it('fails on a HIGH whole-app finding too', () => {
    expect(judge([toFinding(rawGlobal('LIMIT_NAVIGATION_GLOBAL_CHECK', 'HIGH'))]).pass).toBe(false);
  });

  it('passes MEDIUM, LOW and INFORMATIONAL findings, keeping them as advisory', () => {
    const findings = [
      finding('SANDBOX_JS_CHECK', 'MEDIUM'),
      finding('CSP_GLOBAL_CHECK', 'LOW'),
      finding('ELECTRON_VERSION_JSON_CHECK', 'INFORMATIONAL'),
    ];
    const verdict = judge(findings);
    expect(verdict.pass).toBe(true);
    expect(verdict.blocking).toEqual([]);
    expect(verdict.advisory).toEqual(findings);
  });

  it('passes with no findings at all', () => {
    expect(judge([]).pass).toBe(true);
  });

  it('ignores excluded checks, matched by id or class name, whatever their severity', () => {
    const byId = toFinding(rawGlobal('AVAILABLE_SECURITY_FIXES_GLOBAL_CHECK', 'HIGH'));
    const verdict = judge([byId]);
    expect(verdict.pass).toBe(true);
    expect(verdict.ignored).toEqual([byId]);

    const byClass = finding('CONTEXT_ISOLATION_JS_CHECK', 'HIGH');
    expect(judge([byClass], [], { excluded: ['ContextIsolationJSCheck'] }).pass).toBe(true);
    // Excluding one check does not excuse another.
    expect(judge([byClass], [], { excluded: ['SandboxJSCheck'] }).pass).toBe(false);
  });

  it('fails when a file could not be parsed (its checks never ran), not on a tolerable parse warning', () => {
    const fatal = toScanError({
      file: 'out/preload/index.js',
      message: 'Unexpected token',
      tolerable: false,
    });
    const warning = toScanError({ file: 'out/renderer/a.js', message: 'strict mode', tolerable: true });
    expect(judge([], [warning]).pass).toBe(true);
    const verdict = judge([], [warning, fatal]);
    expect(verdict.pass).toBe(false);
    expect(verdict.unparsed).toEqual([fatal]);
  });

  it('can be made stricter', () => {
    expect(judge([finding('SANDBOX_JS_CHECK', 'MEDIUM')], [], { failAt: 'MEDIUM' }).pass).toBe(false);
  });
});

describe('findUnscannedWindows', () => {
  it('lists windows whose constructor the BrowserWindow checks cannot match', () => {
    const source = [
      "import * as electron from 'electron';",
      'export function a(options: { BrowserWindow: typeof electron.BrowserWindow }) {',
      '  // new electron.BrowserWindow({}) in a comment is not a window',
      '  const w1 = new options.BrowserWindow({ show: false });',
      '  const w2 = new electron.BrowserView();',
      '  const { BrowserWindow } = options;',
      '  const w3 = new BrowserWindow({ webPreferences: { sandbox: true } });',
      '  return [w1, w2, w3, new electron.Notification()];',
      '}',
    ].join('\n');
    expect(findUnscannedWindows('main/app/w.ts', source)).toEqual([
      { file: 'main/app/w.ts', line: 4, code: 'new options.BrowserWindow({ show: false })' },
      { file: 'main/app/w.ts', line: 5, code: 'new electron.BrowserView()' },
    ]);
  });
});

/**
 * The whole tool on two tiny apps laid out like the repo (out/ + main/app + package.json):
 * proves the scanner really runs, offline, and that a HIGH finding fails the run.
 */
describe('npm run audit:electron', () => {
  const tool = resolve(__dirname, '../../tools/electronegativity.ts');
  const tsxCli = createRequire(__filename).resolve('tsx/cli');
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));

  function app(files: Record<string, string>): string {
    const root = mkdtempSync(join(tmpdir(), 'verbatim-audit-test-'));
    roots.push(root);
    const all: Record<string, string> = {
      'package.json': JSON.stringify({ name: 'fake', devDependencies: { electron: '^45.0.0' } }),
      'out/preload/index.js': "require('electron').contextBridge.exposeInMainWorld('x', {});\n",
      'out/renderer/index.html':
        '<html><head><meta http-equiv="Content-Security-Policy" content="default-src \'none\'; script-src \'self\'"></head></html>\n',
      ...files,
    };
    for (const [path, text] of Object.entries(all)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  function audit(
    root: string,
  ): Promise<{ code: number | null; output: string; report: Record<string, unknown> }> {
    return new Promise((done, fail) => {
      const child = spawn(process.execPath, [tsxCli, tool, root], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.on('error', fail);
      child.on('close', (code) => {
        try {
          const report = JSON.parse(readFileSync(join(root, 'test-results/electronegativity.json'), 'utf8'));
          done({ code, output, report: report as Record<string, unknown> });
        } catch (error) {
          fail(new Error(`no report (exit ${code}): ${output}\n${String(error)}`));
        }
      });
    });
  }

  const guards = [
    "const { app, BrowserWindow, session } = require('electron');",
    'app.whenReady().then(() => {',
    '  session.defaultSession.setPermissionRequestHandler((_c, _p, callback) => callback(false));',
    '  const win = new BrowserWindow({',
    "    webPreferences: { preload: 'p.js', contextIsolation: CI, sandbox: true, nodeIntegration: false, disableBlinkFeatures: 'Auxclick' },",
    '  });',
    "  win.webContents.on('will-navigate', (event) => event.preventDefault());",
    "  win.webContents.setWindowOpenHandler(() => ({ action: 'deny' }));",
    '});',
  ].join('\n');

  it('fails on an insecure window and names the file and line', async () => {
    const root = app({ 'out/main/index.js': '', 'main/app/main.js': guards.replace('CI', 'false') });
    const { code, output, report } = await audit(root);
    expect(code, output).toBe(1);
    expect(report.pass).toBe(false);
    expect(report.findings).toContainEqual(
      expect.objectContaining({
        id: 'CONTEXT_ISOLATION_JS_CHECK',
        severity: 'HIGH',
        file: 'main/app/main.js',
        line: 5,
      }),
    );
    // Offline: the only request the scanner tried (translations) was answered locally.
    expect((report.networkRequestsBlocked as string[]).every((r) => r.startsWith('https://'))).toBe(true);
    expect(output).toContain('electronegativity: FAIL');
  }, 30_000);

  it('passes a window with the secure settings, navigation guards and a CSP', async () => {
    const root = app({ 'out/main/index.js': '', 'main/app/main.js': guards.replace('CI', 'true') });
    const { code, output, report } = await audit(root);
    expect(code, output).toBe(0);
    expect(report.pass).toBe(true);
    expect(report.checksRun).toMatchObject({ atomic: expect.any(Number) as number });
    expect(report.findings).not.toContainEqual(expect.objectContaining({ severity: 'HIGH' }));
  }, 30_000);
});
