import { join } from 'node:path';

/**
 * Bundles bridge-client.ts (with main/api and zod) into one classic script, in memory, with
 * Vite's library mode. Built at server start from source so the bridge never needs a build
 * step of its own and never lands in out/ (the packaged app must not contain it).
 */
export async function buildBridgeScript(): Promise<string> {
  const { build } = await import('vite');
  const output = await build({
    configFile: false,
    // The repo's vite/electron-vite config (React plugin, renderer root) is not wanted here.
    root: __dirname,
    logLevel: 'silent',
    publicDir: false,
    build: {
      write: false,
      minify: true,
      target: 'es2022',
      sourcemap: false,
      emptyOutDir: false,
      reportCompressedSize: false,
      lib: {
        entry: join(__dirname, 'bridge-client.ts'),
        formats: ['iife'],
        name: 'verbatimBridge',
        fileName: () => 'bridge.js',
      },
    },
  });
  const results = Array.isArray(output) ? output : [output];
  for (const result of results) {
    if (!('output' in result)) continue;
    for (const chunk of result.output) {
      if (chunk.type === 'chunk' && chunk.isEntry) return chunk.code;
    }
  }
  throw new Error('building the bridge script produced no entry chunk');
}
