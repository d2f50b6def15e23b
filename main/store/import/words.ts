import type { NewWord } from '../repositories/segments';

/**
 * Word times for text that came without them (subtitles): the cue's span shared in proportion to
 * word length, confidence unknown (null, so nothing is flagged). Good enough to seek near a word;
 * the text itself is exactly the file's.
 */
export function estimateWords(text: string, startMs: number, endMs: number): NewWord[] {
  const words = text.split(/\s+/u).filter(Boolean);
  const total = words.reduce((n, w) => n + w.length, 0);
  const span = endMs - startMs;
  let used = 0;
  return words.map((word) => {
    const wordStart = startMs + Math.round((span * used) / total);
    used += word.length;
    return {
      text: word,
      startMs: wordStart,
      endMs: startMs + Math.round((span * used) / total),
      confidence: null,
    };
  });
}
