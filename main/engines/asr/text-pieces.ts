import { WORD_BOUNDARY } from './tokens';

/**
 * Text <-> words for scripts with and without spaces. Han and kana are written without spaces, so each
 * such piece is a word of its own and words are joined without a space next to them; punctuation is
 * never a word: it belongs to the word before it (opening brackets/quotes to the word after).
 */

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\u3000-\u303f\uff00-\uffef]/u;
const PUNCT_ONLY = /^[\p{P}\p{S}]+$/u;
const OPENING = /^[\p{Ps}\p{Pi}¿¡]+$/u;

export function isCjkChar(ch: string): boolean {
  return CJK.test(ch);
}

export function isPunctuation(text: string): boolean {
  return text !== '' && PUNCT_ONLY.test(text);
}

export function isOpeningPunctuation(text: string): boolean {
  return text !== '' && OPENING.test(text);
}

/** Joins word texts: a space between words, except next to Han/kana (and before closing punctuation). */
export function joinWords(words: readonly string[]): string {
  let text = '';
  for (const word of words) {
    if (word === '') continue;
    if (text === '') {
      text = word;
      continue;
    }
    const last = [...text].pop()!;
    const first = [...word][0]!;
    const tight = isCjkChar(last) || isCjkChar(first) || isPunctuation(word);
    text += tight ? word : ` ${word}`;
  }
  return text;
}

/** A SentencePiece piece without its word-boundary mark, and whether it had one. */
export function splitPiece(piece: string): { text: string; wordStart: boolean } {
  if (piece.startsWith(WORD_BOUNDARY)) return { text: piece.slice(WORD_BOUNDARY.length), wordStart: true };
  if (piece.startsWith(' ')) return { text: piece.slice(1), wordStart: true };
  return { text: piece, wordStart: false };
}
