/**
 * Text helpers shared by the store, the query language and import/export.
 */

/**
 * Case- and accent-insensitive form used to compare names in filters. It mirrors what the FTS5
 * tokenizer `unicode61 remove_diacritics 2` does to indexed text closely enough that
 * `speaker:jose` finds "José".
 */
export function fold(text: string): string {
  return text.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * Characters FTS5's unicode61 tokenizer keeps in tokens (categories L*, N*, Co). A query term
 * without any of them produces no token, and FTS5 treats such an empty phrase oddly, so the
 * query parser drops it instead.
 */
const TOKEN_CHAR = /[\p{L}\p{N}\p{Co}]/u;
export function hasTokenChar(text: string): boolean {
  return TOKEN_CHAR.test(text);
}

/** FTS5-like tokens of a text, folded: used to estimate how many segments a term matches. */
export function tokens(text: string): string[] {
  return fold(text).match(/[\p{L}\p{N}\p{Co}]+/gu) ?? [];
}

/**
 * Removes control characters (except tab and newline), which never belong in a transcript and
 * would collide with the search highlight markers (U+0002/U+0003) or confuse terminals.
 */
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
export function stripControlChars(text: string): string {
  return text.replace(CONTROL, '');
}

/** Single-line form: controls removed and every run of white space one space. */
export function cleanLine(text: string): string {
  return stripControlChars(text).replace(/\s+/g, ' ').trim();
}

/**
 * Joins word texts into a segment text. Scripts written without spaces (CJK, Thai) are joined
 * without one, so a Chinese segment does not become "我 们 ...".
 */
const NO_SPACE_SCRIPT =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
export function joinWords(words: readonly string[]): string {
  let out = '';
  for (const word of words) {
    if (!word) continue;
    const glue = out && !(NO_SPACE_SCRIPT.test(out.at(-1) ?? '') && NO_SPACE_SCRIPT.test(word[0] ?? ''));
    out += (glue ? ' ' : '') + word;
  }
  return out;
}

/**
 * Finds each word in the segment text, in order: [start, end) offsets, or null for a word that
 * cannot be found after the previous one. The recognizer's text may carry punctuation and
 * spacing the words do not, so edits and marks work on these spans rather than on a re-join.
 */
export function locateWords(text: string, words: readonly string[]): ([number, number] | null)[] {
  const spans: ([number, number] | null)[] = [];
  let cursor = 0;
  for (const word of words) {
    const at = word ? text.indexOf(word, cursor) : -1;
    if (at < 0) {
      spans.push(null);
      continue;
    }
    spans.push([at, at + word.length]);
    cursor = at + word.length;
  }
  return spans;
}

/**
 * Replaces the `index`-th word of a segment text, changing only that word's span. When the word
 * cannot be located (the text was produced some other way), the text is rebuilt from the words.
 */
export function replaceWordInText(
  text: string,
  words: readonly string[],
  index: number,
  replacement: string,
): string {
  const span = locateWords(text, words)[index];
  if (span) return text.slice(0, span[0]) + replacement + text.slice(span[1]);
  return joinWords(words.map((w, i) => (i === index ? replacement : w)));
}
