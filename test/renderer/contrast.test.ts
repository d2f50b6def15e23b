import { describe, expect, it } from 'vitest';
import { readRepoFile } from './repo-file';

// Every stylesheet that defines theme colours (index.html links them all).
const css = ['styles.css', 'voices/voices.css', 'live/live.css', 'review/review.css', 'playback/playback.css']
  .map((file) => readRepoFile(`renderer/src/${file}`))
  .join('\n');

/**
 * WCAG AA for both themes, computed from the colours styles.css actually ships: 4.5:1 for text,
 * 3:1 for focus rings, control borders and other non-text UI (WCAG 1.4.11).
 */
type Theme = 'light' | 'dark';

function palette(theme: Theme): Map<string, string> {
  const colours = new Map<string, string>();
  for (const [, name, light, dark] of css.matchAll(
    /(--[\w-]+):\s*light-dark\((#[0-9a-f]{6}),\s*(#[0-9a-f]{6})\)/gi,
  )) {
    colours.set(name!, theme === 'light' ? light! : dark!);
  }
  return colours;
}

function luminance(hex: string): number {
  const [r, g, b] = [1, 3, 5].map((i) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function contrast(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** [foreground, background, minimum ratio] as the stylesheet combines them. */
const PAIRS: [string, string, number][] = [
  ...['--bg', '--surface', '--surface-sunken'].flatMap((bg): [string, string, number][] => [
    ['--text', bg, 4.5],
    ['--text-muted', bg, 4.5],
  ]),
  ['--accent-text', '--accent', 4.5],
  ['--nav-active-text', '--nav-active-bg', 4.5],
  ['--ok', '--surface', 4.5],
  ['--warn', '--surface', 4.5],
  ['--danger', '--surface', 4.5],
  ['--warning-text', '--warning-bg', 4.5],
  ['--error-text', '--error-bg', 4.5],
  ['--mark-text', '--mark-bg', 4.5],
  ['--text', '--highlight-bg', 4.5],
  ['--text-muted', '--highlight-bg', 4.5],
  ['--badge-text', '--badge-bg', 4.5],
  ['--accent', '--bg', 4.5],
  ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((i): [string, string, number][] => [
    [`--speaker-${i}`, '--surface', 4.5],
    [`--speaker-${i}`, '--highlight-bg', 4.5],
  ]),
  // Tone-of-voice bins carry their label in --text on the emotion's colour.
  ...['happy', 'sad', 'angry', 'surprised', 'fearful', 'disgusted', 'calm'].map(
    (e): [string, string, number] => ['--text', `--emotion-${e}`, 4.5],
  ),
  ['--warn', '--highlight-bg', 3],
  ['--focus', '--bg', 3],
  ['--focus', '--surface', 3],
  ['--control-border', '--surface', 3],
  ['--danger', '--surface', 3],
  ['--accent', '--surface', 3],
];

describe('theme colours', () => {
  it('defines every colour for both themes', () => {
    const names = new Set(PAIRS.flat().filter((x): x is string => typeof x === 'string'));
    for (const theme of ['light', 'dark'] as const) {
      const colours = palette(theme);
      for (const name of names) expect(colours.has(name), `${name} in ${theme}`).toBe(true);
    }
  });

  for (const theme of ['light', 'dark'] as const) {
    it(`meets WCAG AA contrast in the ${theme} theme`, () => {
      const colours = palette(theme);
      const failures = PAIRS.flatMap(([fg, bg, min]) => {
        const ratio = contrast(colours.get(fg)!, colours.get(bg)!);
        return ratio >= min ? [] : [`${fg} on ${bg}: ${ratio.toFixed(2)} < ${min}`];
      });
      expect(failures).toEqual([]);
    });
  }

  it('lets data-theme force light or dark and otherwise follows the system', () => {
    expect(css).toMatch(/:root\s*{[^}]*color-scheme:\s*light dark;/);
    expect(css).toMatch(/:root\[data-theme='light'\]\s*{\s*color-scheme:\s*light;/);
    expect(css).toMatch(/:root\[data-theme='dark'\]\s*{\s*color-scheme:\s*dark;/);
  });
});
