import { describe, expect, it } from 'vitest';
import { readRepoFile } from './repo-file';

const html = readRepoFile('renderer/index.html');

/** The renderer's Content-Security-Policy, as index.html ships it. */
function policy(): Map<string, string[]> {
  const doc = new DOMParser().parseFromString(html, 'text/html');
  const meta = doc.querySelector('meta[http-equiv="Content-Security-Policy"]');
  const content = meta?.getAttribute('content') ?? '';
  return new Map(
    content
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((tokens) => tokens[0])
      .map(([name, ...sources]) => [name!, sources]),
  );
}

describe('index.html', () => {
  it('ships a strict Content-Security-Policy', () => {
    expect(Object.fromEntries(policy())).toEqual({
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'"],
      'img-src': ["'self'", 'data:', 'blob:'],
      'media-src': ["'self'", 'blob:'],
      'connect-src': ["'self'", 'ws://127.0.0.1:*'],
      'object-src': ["'none'"],
      'base-uri': ["'none'"],
      'form-action': ["'none'"],
    });
  });

  it('has no inline script or style that the policy would block', () => {
    const doc = new DOMParser().parseFromString(html, 'text/html');
    for (const script of doc.querySelectorAll('script')) expect(script.getAttribute('src')).toBeTruthy();
    expect(doc.querySelectorAll('style, [style]')).toHaveLength(0);
    expect(html).not.toMatch(/\son[a-z]+=/i); // inline event handlers
  });
});
