/**
 * Dependency direction of the code base (DESIGN.md, "Layout"), checked on the real import graph.
 *
 * Imports are read with the TypeScript parser, not a regex, so an import written inside a comment
 * or a string is not an import. Every form that loads a module counts: `import`, `import type`,
 * `export ... from`, `import x = require()`, `import('...')`, `require('...')` and type-level
 * `import('...')`. Type-only imports count too: they are still a dependency on that module's shape,
 * and a renderer that types itself against main/backend is one refactor away from importing it.
 *
 * findViolations() is pure (paths and sources in, violations out) so its own tests can feed it
 * synthetic files; loadSourceFiles() is the only part that touches the disk.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, posix } from 'node:path';
import ts from 'typescript';

export type ImportKind = 'import' | 'export' | 'import-equals' | 'dynamic-import' | 'require' | 'type-import';

export interface ImportRef {
  specifier: string;
  kind: ImportKind;
  /** 1-based line of the specifier. */
  line: number;
}

export type RuleId =
  | 'electron-outside-app'
  | 'app-imported'
  | 'renderer-imports-main'
  | 'renderer-imports-node'
  | 'api-imports-node'
  | 'api-imports-main'
  | 'pure-imports-stateful';

export interface Violation {
  rule: RuleId;
  /** Repo-relative path of the importing file. */
  file: string;
  line: number;
  specifier: string;
  /** Repo-relative path the specifier resolves to, or the package name. */
  target: string;
  message: string;
}

const SOURCE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];
const SKIPPED_DIRS = new Set(['node_modules', 'out', 'dist', '.git']);

/** Where the code lives: 'renderer', 'main/<folder>', 'main' (a file directly in main/) or null (elsewhere). */
export function layerOf(repoPath: string): string | null {
  const parts = repoPath.split('/');
  if (parts[0] === 'renderer') return 'renderer';
  if (parts[0] !== 'main') return null;
  return parts.length > 2 ? `main/${parts[1]}` : 'main';
}

function scriptKindOf(path: string): ts.ScriptKind {
  if (path.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (path.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.[mc]?js$/.test(path)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

function stringArgument(node: ts.CallExpression): string | null {
  const [first] = node.arguments;
  return node.arguments.length >= 1 && first && ts.isStringLiteralLike(first) ? first.text : null;
}

/** Every module specifier the file loads, with its line. Specifiers that are not string literals are skipped. */
export function collectImports(path: string, source: string): ImportRef[] {
  const sourceFile = ts.createSourceFile(path, source, ts.ScriptTarget.Latest, true, scriptKindOf(path));
  const refs: ImportRef[] = [];
  const add = (literal: ts.Node, specifier: string, kind: ImportKind): void => {
    const { line } = sourceFile.getLineAndCharacterOfPosition(literal.getStart(sourceFile));
    refs.push({ specifier, kind, line: line + 1 });
  };

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      add(node.moduleSpecifier, node.moduleSpecifier.text, 'import');
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      add(node.moduleSpecifier, node.moduleSpecifier.text, 'export');
    } else if (
      ts.isImportEqualsDeclaration(node) &&
      ts.isExternalModuleReference(node.moduleReference) &&
      ts.isStringLiteral(node.moduleReference.expression)
    ) {
      add(node.moduleReference.expression, node.moduleReference.expression.text, 'import-equals');
    } else if (ts.isCallExpression(node)) {
      const specifier = stringArgument(node);
      if (specifier !== null && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
        add(node.arguments[0]!, specifier, 'dynamic-import');
      } else if (
        specifier !== null &&
        ts.isIdentifier(node.expression) &&
        node.expression.text === 'require'
      ) {
        add(node.arguments[0]!, specifier, 'require');
      }
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      add(node.argument.literal, node.argument.literal.text, 'type-import');
    }
    ts.forEachChild(node, visit);
  };
  visit(sourceFile);
  return refs;
}

const isRelative = (specifier: string): boolean =>
  specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../');

/** Repo-relative target of a relative specifier (no extension added: the folder is what matters). */
export function resolveSpecifier(fromFile: string, specifier: string): string {
  return posix.normalize(posix.join(posix.dirname(fromFile), specifier));
}

const isElectron = (specifier: string): boolean =>
  specifier === 'electron' || specifier.startsWith('electron/');
const isNodeBuiltin = (specifier: string): boolean => specifier.startsWith('node:') || isBuiltin(specifier);

/** True when `target` (repo-relative) is `folder` itself or inside it. */
const isUnder = (target: string, folder: string): boolean =>
  target === folder || target.startsWith(`${folder}/`);

/** main/dsp and main/engines are pure computation: no state, no sessions, no IPC, no shell. */
const PURE_LAYERS = ['main/dsp', 'main/engines'];
const STATEFUL_LAYERS = ['main/store', 'main/pipeline', 'main/backend', 'main/app'];

function check(file: string, ref: ImportRef): Omit<Violation, 'file' | 'line' | 'specifier'>[] {
  const from = layerOf(file);
  const found: Omit<Violation, 'file' | 'line' | 'specifier'>[] = [];
  const { specifier } = ref;

  if (!isRelative(specifier)) {
    if (isElectron(specifier) && from !== 'main/app') {
      found.push({
        rule: 'electron-outside-app',
        target: specifier,
        message: `only main/app may import '${specifier}': everything else must load in plain Node (tests, CLI, backend)`,
      });
    }
    if (isNodeBuiltin(specifier) && from === 'main/api') {
      found.push({
        rule: 'api-imports-node',
        target: specifier,
        message: `main/api is shared with the renderer and must not import the Node builtin '${specifier}'`,
      });
    }
    if (isNodeBuiltin(specifier) && from === 'renderer') {
      found.push({
        rule: 'renderer-imports-node',
        target: specifier,
        message: `the renderer runs in Chromium and must not import the Node builtin '${specifier}'`,
      });
    }
    return found;
  }

  const target = resolveSpecifier(file, specifier);
  const targetLayer = layerOf(target);

  // The renderer, main/api and the pure layers have stricter rules below that already cover main/app.
  const coveredBelow =
    from === 'renderer' || from === 'main/api' || (from !== null && PURE_LAYERS.includes(from));
  if (isUnder(target, 'main/app') && from !== 'main/app' && !coveredBelow) {
    found.push({
      rule: 'app-imported',
      target,
      message: `${from ?? file} imports the Electron shell (${target}); dependencies point app -> backend -> pipeline -> engines/store -> dsp`,
    });
  }
  if (from === 'renderer' && isUnder(target, 'main') && !isUnder(target, 'main/api')) {
    found.push({
      rule: 'renderer-imports-main',
      target,
      message: `the renderer may import only main/api from main/, not ${target}`,
    });
  }
  if (from === 'main/api' && !isUnder(target, 'main/api')) {
    found.push({
      rule: 'api-imports-main',
      target,
      message: `main/api is shared with the renderer and imports nothing outside itself, not ${target}`,
    });
  }
  if (from && PURE_LAYERS.includes(from) && targetLayer && STATEFUL_LAYERS.includes(targetLayer)) {
    found.push({
      rule: 'pure-imports-stateful',
      target,
      message: `${from} must not depend on ${targetLayer} (${target})`,
    });
  }
  return found;
}

/**
 * Checks every file of `files` (repo-relative posix path -> source text) against the layout rules.
 * Files outside main/ and renderer/ are ignored. Violations come sorted by file and line.
 */
export function findViolations(files: ReadonlyMap<string, string>): Violation[] {
  const violations: Violation[] = [];
  for (const [file, source] of files) {
    if (layerOf(file) === null) continue;
    for (const ref of collectImports(file, source)) {
      for (const v of check(file, ref)) {
        violations.push({ ...v, file, line: ref.line, specifier: ref.specifier });
      }
    }
  }
  return violations.sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}

export function formatViolation(v: Violation): string {
  return `${v.file}:${v.line} imports '${v.specifier}' [${v.rule}]: ${v.message}`;
}

/** Reads every source file under `dirs` of the repository at `root` (skips node_modules, out, dist). */
export function loadSourceFiles(
  root: string,
  dirs: readonly string[] = ['main', 'renderer'],
): Map<string, string> {
  const files = new Map<string, string>();
  const walk = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const entry of entries) {
      const child = `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name)) walk(child);
      } else if (entry.isFile() && SOURCE_EXTENSIONS.some((ext) => entry.name.endsWith(ext))) {
        files.set(child, readFileSync(join(root, child), 'utf8'));
      }
    }
  };
  for (const dir of dirs) walk(dir);
  return files;
}
