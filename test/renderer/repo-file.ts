/**
 * Reads a file of the repository as text. Vitest turns CSS imports into empty strings (even with
 * ?raw), and this project's web tsconfig has no Node types, so Node's fs is reached through
 * process.getBuiltinModule (Node >= 22.3) with the one signature needed declared here.
 */
interface NodeFs {
  readFileSync(path: string, encoding: 'utf8'): string;
}
interface NodeProcess {
  getBuiltinModule(id: 'node:fs'): NodeFs;
}

export function readRepoFile(pathFromRepoRoot: string): string {
  const { process } = globalThis as unknown as { process: NodeProcess };
  // Plain string work on purpose: Vite rewrites `new URL(x, import.meta.url)` into an asset import,
  // and under jsdom the global URL is jsdom's, which fs does not accept.
  const here = decodeURIComponent(import.meta.url.replace(/^file:\/\//, ''));
  const root = here.slice(0, here.lastIndexOf('/test/renderer/') + 1);
  return process.getBuiltinModule('node:fs').readFileSync(root + pathFromRepoRoot, 'utf8');
}
