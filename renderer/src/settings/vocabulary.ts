/**
 * The vocabulary as the user edits it: one term per line. Names and jargon the recognizer should expect
 * (hotword biasing in the streaming model) and that the review queue must not treat as unknown words.
 * Limits mirror the settings schema (main/api/settings.ts), so a refusal is explained before it is sent.
 */
export const MAX_TERMS = 5000;
export const MAX_TERM_LENGTH = 100;

export type VocabularyParse = { ok: true; terms: string[] } | { ok: false; message: string };

export function parseVocabulary(text: string): VocabularyParse {
  const seen = new Set<string>();
  const terms: string[] = [];
  const tooLong: number[] = [];
  text.split(/\r?\n/u).forEach((line, i) => {
    const term = line.trim().replace(/\s+/gu, ' ');
    if (!term) return;
    if (term.length > MAX_TERM_LENGTH) tooLong.push(i + 1);
    // "Kubernetes" and "kubernetes" are one term: the first spelling wins.
    const key = term.toLocaleLowerCase();
    if (seen.has(key)) return;
    seen.add(key);
    terms.push(term);
  });
  if (tooLong.length > 0) {
    const lines = tooLong.slice(0, 5).join(', ') + (tooLong.length > 5 ? '…' : '');
    return {
      ok: false,
      message: `A term can be at most ${MAX_TERM_LENGTH} characters (line${tooLong.length > 1 ? 's' : ''} ${lines}).`,
    };
  }
  if (terms.length > MAX_TERMS) {
    return { ok: false, message: `At most ${MAX_TERMS} terms (this list has ${terms.length}).` };
  }
  return { ok: true, terms };
}
