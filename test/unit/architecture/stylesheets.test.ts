/**
 * The page's CSP has style-src 'self' and no 'unsafe-inline'. In dev, Vite turns a CSS file imported from a
 * component into an injected <style> element, which that policy blocks (unstyled page, CSP violation); a
 * stylesheet linked from index.html is served as a file in dev and bundled in builds. So every stylesheet is
 * linked there and none is imported from code.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(__dirname, '..', '..', '..');
const SRC = join(ROOT, 'renderer', 'src');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

describe('renderer stylesheets', () => {
  const all = files(SRC);

  it('are all linked from index.html', () => {
    const html = readFileSync(join(ROOT, 'renderer', 'index.html'), 'utf8');
    const linked = [...html.matchAll(/<link rel="stylesheet" href="\.\/([^"]+)"/g)].map((m) => m[1]);
    const sheets = all.filter((f) => f.endsWith('.css')).map((f) => relative(join(ROOT, 'renderer'), f));
    expect(sheets.length).toBeGreaterThan(0);
    expect(linked.sort()).toEqual(sheets.sort());
  });

  it('are never imported from components', () => {
    const importing = all
      .filter((f) => /\.tsx?$/.test(f))
      .filter((f) => /^\s*import\s+['"][^'"]+\.css['"]/m.test(readFileSync(f, 'utf8')))
      .map((f) => relative(ROOT, f));
    expect(importing).toEqual([]);
  });
});
