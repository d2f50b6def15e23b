import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  collectImports,
  findViolations,
  formatViolation,
  loadSourceFiles,
  type RuleId,
} from '../../tools/dependency-rules';

const ROOT = resolve(__dirname, '../../..');

/** Rule ids reported for a single synthetic file. */
function rulesFor(path: string, source: string): RuleId[] {
  return findViolations(new Map([[path, source]])).map((v) => v.rule);
}

describe('dependency direction of the repository', () => {
  it('holds for every file under main/ and renderer/', () => {
    const files = loadSourceFiles(ROOT);
    // Guard against a loader that silently finds nothing (the check would then pass vacuously).
    expect(files.has('main/api/index.ts')).toBe(true);
    expect([...files.keys()].some((f) => f.startsWith('renderer/'))).toBe(true);

    const report = findViolations(files).map(formatViolation);
    expect(report, `dependency rules broken:\n${report.join('\n')}`).toEqual([]);
  });
});

describe('collectImports', () => {
  it('sees every way of loading a module, with its line', () => {
    const source = [
      "import a from 'a';",
      "import type { B } from 'b';",
      "export { c } from 'c';",
      "export * from 'd';",
      "import e = require('e');",
      "const f = await import('f');",
      "const g = require('g');",
      "type H = import('h').H;",
      "import 'i';",
    ].join('\n');
    expect(collectImports('main/x.ts', source)).toEqual([
      { specifier: 'a', kind: 'import', line: 1 },
      { specifier: 'b', kind: 'import', line: 2 },
      { specifier: 'c', kind: 'export', line: 3 },
      { specifier: 'd', kind: 'export', line: 4 },
      { specifier: 'e', kind: 'import-equals', line: 5 },
      { specifier: 'f', kind: 'dynamic-import', line: 6 },
      { specifier: 'g', kind: 'require', line: 7 },
      { specifier: 'h', kind: 'type-import', line: 8 },
      { specifier: 'i', kind: 'import', line: 9 },
    ]);
  });

  it('ignores imports written in comments, strings and templates, and non-literal specifiers', () => {
    const source = [
      "// import 'electron'",
      "/* import { app } from 'electron'; require('electron') */",
      'const s = "import \'electron\'";',
      'const t = `import("electron") ${s}`;',
      'const name = s;',
      'const m = require(name);',
      'export const u = [t, m];',
    ].join('\n');
    expect(collectImports('main/backend/x.ts', source)).toEqual([]);
  });

  it('parses TSX and plain JavaScript', () => {
    expect(
      collectImports('renderer/a.tsx', "import x from 'x';\nexport const A = () => <div>{x}</div>;"),
    ).toEqual([{ specifier: 'x', kind: 'import', line: 1 }]);
    expect(collectImports('main/cli/a.cjs', "const fs = require('node:fs');")).toEqual([
      { specifier: 'node:fs', kind: 'require', line: 1 },
    ]);
  });
});

describe('findViolations', () => {
  it("flags 'electron' and 'electron/...' outside main/app, in every import form", () => {
    expect(rulesFor('main/backend/a.ts', "import { app } from 'electron';")).toEqual([
      'electron-outside-app',
    ]);
    expect(rulesFor('main/store/a.ts', "const { app } = require('electron');")).toEqual([
      'electron-outside-app',
    ]);
    expect(rulesFor('main/pipeline/a.ts', "await import('electron/main');")).toEqual([
      'electron-outside-app',
    ]);
    expect(rulesFor('main/audio/a.ts', "import type { WebContents } from 'electron';")).toEqual([
      'electron-outside-app',
    ]);
    expect(rulesFor('main/index.ts', "export { app } from 'electron';")).toEqual(['electron-outside-app']);
    expect(rulesFor('renderer/src/a.tsx', "import { ipcRenderer } from 'electron';")).toEqual([
      'electron-outside-app',
    ]);
  });

  it("allows 'electron' in main/app and look-alike packages anywhere", () => {
    expect(rulesFor('main/app/main.ts', "import { app, BrowserWindow } from 'electron';")).toEqual([]);
    expect(rulesFor('main/app/sub/x.ts', "import { ipcMain } from 'electron/main';")).toEqual([]);
    expect(
      rulesFor('main/backend/a.ts', "import x from 'electron-store'; import y from 'electronegativity';"),
    ).toEqual([]);
  });

  it('does not flag a comment that mentions an electron import', () => {
    const source = "/** It never imports 'electron'. */\n// import 'electron'\nexport const x = 1;";
    expect(rulesFor('main/backend/entry.ts', source)).toEqual([]);
  });

  it('lets the renderer import main/api and nothing else from main/', () => {
    expect(rulesFor('renderer/src/a.tsx', "import type { VerbatimApi } from '../../main/api';")).toEqual([]);
    expect(rulesFor('renderer/src/x/a.ts', "import { methods } from '../../../main/api/methods';")).toEqual(
      [],
    );
    expect(
      rulesFor('renderer/src/a.tsx', "import { createBackend } from '../../main/backend/service';"),
    ).toEqual(['renderer-imports-main']);
    expect(rulesFor('renderer/src/a.tsx', "import type { X } from '../../main/store';")).toEqual([
      'renderer-imports-main',
    ]);
    expect(rulesFor('renderer/src/a.tsx', "import { x } from '../../main';")).toEqual([
      'renderer-imports-main',
    ]);
    // A path that only passes through main/api on its way elsewhere is resolved, not string-matched.
    expect(rulesFor('renderer/src/a.tsx', "import { x } from '../../main/api/../backend/server';")).toEqual([
      'renderer-imports-main',
    ]);
    expect(rulesFor('renderer/src/a.tsx', "import { x } from '../../main/app/preload';")).toEqual([
      'renderer-imports-main',
    ]);
  });

  it('keeps Node builtins out of the renderer', () => {
    expect(rulesFor('renderer/src/a.ts', "import { readFile } from 'node:fs/promises';")).toEqual([
      'renderer-imports-node',
    ]);
    expect(rulesFor('renderer/src/a.ts', "import path from 'path';")).toEqual(['renderer-imports-node']);
    expect(rulesFor('renderer/src/a.tsx', "import { useState } from 'react';")).toEqual([]);
  });

  it('keeps main/api free of Node builtins and of every other main/ folder', () => {
    expect(rulesFor('main/api/a.ts', "import { EventEmitter } from 'node:events';")).toEqual([
      'api-imports-node',
    ]);
    expect(rulesFor('main/api/a.ts', "import { randomUUID } from 'crypto';")).toEqual(['api-imports-node']);
    expect(rulesFor('main/api/a.ts', "import { x } from '../backend/server';")).toEqual(['api-imports-main']);
    expect(rulesFor('main/api/a.ts', "import { x } from '../dsp/fbank';")).toEqual(['api-imports-main']);
    expect(rulesFor('main/api/a.ts', "import { x } from '../app/preload';")).toEqual(['api-imports-main']);
    expect(rulesFor('main/api/a.ts', "import { z } from 'zod'; import { e } from './errors';")).toEqual([]);
  });

  it('keeps main/dsp and main/engines away from the store, pipeline, backend and shell', () => {
    for (const from of ['main/dsp/fbank.ts', 'main/engines/asr/zipformer.ts']) {
      const up = from.split('/').length - 2;
      for (const folder of ['store', 'pipeline', 'backend', 'app']) {
        const specifier = `${'../'.repeat(up)}${folder}/x`;
        expect(rulesFor(from, `import { x } from '${specifier}';`), `${from} -> ${specifier}`).toEqual([
          'pure-imports-stateful',
        ]);
      }
    }
    expect(rulesFor('main/engines/asr/zipformer.ts', "import { fbank } from '../../dsp/fbank';")).toEqual([]);
    expect(rulesFor('main/engines/asr/zipformer.ts', "import { vad } from '../vad/silero';")).toEqual([]);
  });

  it('keeps main/app out of every other main/ folder', () => {
    for (const folder of ['store', 'pipeline', 'models', 'audio', 'cli', 'backend']) {
      expect(
        rulesFor(`main/${folder}/a.ts`, "import { createWindow } from '../app/window';"),
        folder,
      ).toEqual(['app-imported']);
    }
    expect(rulesFor('main/app/main.ts', "import { forkBackend } from '../backend/fork-host';")).toEqual([]);
    expect(rulesFor('main/app/main.ts', "import { x } from './window';")).toEqual([]);
  });

  it('reports file, line, specifier and resolved target, and ignores files outside main/ and renderer/', () => {
    const files = new Map([
      ['main/store/db.ts', "import { z } from 'zod';\n\nimport { w } from '../app/window';"],
      ['test/unit/x.test.ts', "import { app } from 'electron';"],
      ['electron.vite.config.ts', "import { x } from './main/backend/server';"],
    ]);
    expect(findViolations(files)).toEqual([
      {
        rule: 'app-imported',
        file: 'main/store/db.ts',
        line: 3,
        specifier: '../app/window',
        target: 'main/app/window',
        message: expect.stringContaining('main/app/window') as string,
      },
    ]);
  });
});
