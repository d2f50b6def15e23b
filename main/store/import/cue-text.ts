import { cleanLine } from '../text';

/**
 * Cue payloads of WebVTT (and the HTML-ish tags some SRT writers use): splits the text into
 * runs by `<v Speaker>` voice, drops every other tag (<c.x>, <i>, <b>, <u>, <ruby>, <rt>, <lang>,
 * <font>, karaoke timestamps) and decodes character references.
 */
export interface VoiceRun {
  voice: string | null;
  text: string;
}

const NAMED_ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  lrm: '\u200e',
  rlm: '\u200f',
};

export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/giu, (whole, name: string) => {
    if (name.startsWith('#')) {
      const code =
        name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)
        ? String.fromCodePoint(code)
        : whole;
    }
    return NAMED_ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/** Tags of WebVTT: anything in angle brackets (a literal "<" must be written &lt;). */
const VTT_TAG = /<\/?([a-z0-9.]*)([^>]*)>/giu;
/** SRT has no escaping, so only the tags players know are tags; "<approved>" stays text. */
const SRT_TAG = /<\/?(i|b|u|s|font|v)((?:[.\s][^>]*)?)>/giu;

/**
 * `decode` (WebVTT): character references are decoded and every tag is markup. Without it (SRT)
 * the text is kept as is and only known formatting tags are dropped. SSA override blocks like
 * {\an8} that SRT files often carry are dropped in both.
 */
export function parseCueText(payload: string, options: { decode: boolean }): VoiceRun[] {
  const runs: VoiceRun[] = [];
  let voice: string | null = null;
  let current = '';
  const flush = (): void => {
    const text = cleanLine(options.decode ? decodeEntities(current) : current);
    if (text) {
      const last = runs.at(-1);
      if (last && last.voice === voice) last.text = `${last.text} ${text}`;
      else runs.push({ voice, text });
    }
    current = '';
  };
  const source = payload.replace(/\{\\[^}]*\}/g, '');
  const tag = new RegExp(options.decode ? VTT_TAG : SRT_TAG);
  let last = 0;
  for (let m = tag.exec(source); m; m = tag.exec(source)) {
    current += source.slice(last, m.index);
    last = m.index + m[0].length;
    const name = (m[1] ?? '').split('.')[0]?.toLowerCase() ?? '';
    const closing = m[0].startsWith('</');
    if (name === 'v') {
      flush();
      // After </v> the voice stays: files rarely leave text unattributed on purpose, and the
      // spec lets the last </v> of a cue be omitted anyway.
      if (!closing) {
        const annotation = cleanLine(options.decode ? decodeEntities(m[2] ?? '') : (m[2] ?? ''));
        voice = annotation || null;
      }
    }
  }
  current += source.slice(last);
  flush();
  return runs;
}
