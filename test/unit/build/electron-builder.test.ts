import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

/**
 * electron-builder.yml cannot be exercised by packaging here (that needs the Electron zip), so
 * it is checked three ways: against electron-builder's own schema, key by key, and by running
 * electron-builder's own file matchers over the real node_modules to see what each platform ships.
 */

const projectDir = resolve(__dirname, '..', '..', '..');
const config = parse(readFileSync(join(projectDir, 'electron-builder.yml'), 'utf8'));

// app-builder-lib is electron-builder's engine; resolve it from electron-builder, not by hoisting luck.
const builderRequire = createRequire(
  createRequire(join(projectDir, 'package.json')).resolve('electron-builder'),
);
type Filter = (file: string, stat: { isDirectory(): boolean }) => boolean;
type Matcher = { createFilter(): Filter };
const fileMatcher = builderRequire('app-builder-lib/out/fileMatcher') as {
  getFileMatchers(
    config: unknown,
    name: string,
    destination: string,
    options: Record<string, unknown>,
  ): Matcher[] | null;
  getNodeModuleFileMatcher(
    appDir: string,
    destination: string,
    expand: (s: string) => string,
    platform: unknown,
    packager: unknown,
  ): Matcher;
};

const fileStat = { isDirectory: () => false };
const identity = (value: string) => value;
type Platform = 'linux' | 'mac' | 'win';

/** What electron-builder would copy from node_modules for one platform. */
function nodeModulesFilter(platform: Platform): (path: string) => boolean {
  const matcher = fileMatcher.getNodeModuleFileMatcher(projectDir, '/app', identity, config[platform] ?? {}, {
    config,
    debugLogger: { isEnabled: false },
  });
  const filter = matcher.createFilter();
  return (path) => filter(join(projectDir, path), fileStat);
}

/** What electron-builder would copy from the project itself (outside node_modules). */
function appFilter(platform: Platform): (path: string) => boolean {
  const [matcher] = fileMatcher.getFileMatchers(config, 'files', '/app', {
    macroExpander: identity,
    customBuildOptions: config[platform] ?? {},
    globalOutDir: join(projectDir, 'dist'),
    defaultSrc: projectDir,
  })!;
  const filter = matcher!.createFilter();
  return (path) => filter(join(projectDir, path), fileStat);
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((entry) => join(dir, entry))
    .filter((file) => statSync(file).isFile())
    .map((file) => relative(projectDir, file));
}

describe('electron-builder.yml', () => {
  beforeAll(() => {
    expect(config).toBeTypeOf('object');
  });

  it("passes electron-builder's own schema validation", async () => {
    const { validateConfiguration } = builderRequire('app-builder-lib/out/util/config/config');
    const { DebugLogger } = builderRequire('builder-util');
    await expect(
      validateConfiguration(structuredClone(config), new DebugLogger(false)),
    ).resolves.toBeUndefined();
  });

  it('names the app and writes installers to dist/', () => {
    expect(config.appId).toBe('app.verbatim.desktop');
    expect(config.productName).toBe('Verbatim');
    expect(config.directories.output).toBe('dist');
  });

  it('sets the security fuses', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    });
    expect(config.asar).not.toBe(false); // onlyLoadAppFromAsar needs an asar
  });

  it('unpacks native code from the asar', () => {
    expect(config.asarUnpack).toEqual(
      expect.arrayContaining([
        '**/*.node',
        'node_modules/onnxruntime-node/bin/**',
        'node_modules/better-sqlite3/**/*.node',
      ]),
    );
  });

  it('bundles model weights as extra resources', () => {
    expect(config.extraResources).toContainEqual({ from: 'models/bundled', to: 'models', filter: ['**/*'] });
  });

  it('targets AppImage + deb on Linux and NSIS on Windows', () => {
    expect(config.linux.target).toEqual(expect.arrayContaining(['AppImage', 'deb']));
    expect(config.win.target).toEqual(expect.arrayContaining(['nsis']));
  });

  it('declares microphone and system-audio use on macOS with a hardened runtime', () => {
    expect(config.mac.hardenedRuntime).toBe(true);
    expect(config.mac.extendInfo.NSMicrophoneUsageDescription).toMatch(/microphone/i);
    expect(config.mac.extendInfo.NSAudioCaptureUsageDescription).toMatch(/\w/);
    const entitlements = readFileSync(join(projectDir, config.mac.entitlements), 'utf8');
    expect(entitlements).toContain('<key>com.apple.security.device.audio-input</key>');
    expect(entitlements).not.toContain('com.apple.security.device.camera');
    expect(existsSync(join(projectDir, config.mac.entitlementsInherit))).toBe(true);
  });

  it('ships only the built bundles and package.json from the project', () => {
    const ships = appFilter('linux');
    for (const file of [
      'out/main/index.js',
      'out/main/backend.js',
      'out/preload/index.js',
      'out/renderer/index.html',
    ]) {
      expect(ships(file), file).toBe(true);
    }
    expect(ships('package.json')).toBe(true);
    for (const file of [
      'main/app/main.ts',
      'renderer/src/main.tsx',
      'test/unit/app/main.test.ts',
      'models/manifest.json',
      'out/main/index.js.map',
      'out/main/devweb.js',
      'out/main/devweb/server.js',
      'electron-builder.yml',
    ]) {
      expect(ships(file), file).toBe(false);
    }
  });

  describe.each([
    ['linux', ['linux'], ['darwin', 'win32']],
    ['mac', ['darwin'], ['linux', 'win32']],
    ['win', ['win32'], ['darwin', 'linux']],
  ] as const)('%s packages', (platform, own, others) => {
    const ortFiles = listFiles(join(projectDir, 'node_modules', 'onnxruntime-node', 'bin'));
    const sqliteFiles = listFiles(join(projectDir, 'node_modules', 'better-sqlite3', 'prebuilds'));
    const osOf = (file: string) =>
      /(?:napi-v\d+\/|prebuilds\/)(darwin|linux|win32)/.exec(file.replaceAll('\\', '/'))?.[1];

    it.runIf(ortFiles.length > 0)("keep their own onnxruntime-node binaries and drop the others'", () => {
      const ships = nodeModulesFilter(platform);
      const kept = ortFiles.filter(ships);
      expect(kept.length).toBeGreaterThan(0);
      expect(new Set(kept.map(osOf))).toEqual(new Set(own));
      expect(ortFiles.filter((file) => others.includes(osOf(file) as never)).some(ships)).toBe(false);
      expect(ships('node_modules/onnxruntime-node/dist/index.js')).toBe(true);
    });

    it.runIf(sqliteFiles.length > 0)("keep their own better-sqlite3 prebuilds and drop the others'", () => {
      const ships = nodeModulesFilter(platform);
      const kept = sqliteFiles.filter(ships);
      expect(kept.length).toBeGreaterThan(0);
      expect(new Set(kept.map(osOf))).toEqual(new Set(own));
      expect(ships('node_modules/better-sqlite3/lib/index.js')).toBe(true);
      expect(ships('node_modules/better-sqlite3/deps/sqlite3/sqlite3.c')).toBe(false);
    });
  });
});
