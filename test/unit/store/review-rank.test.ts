import { describe, expect, it } from 'vitest';
import {
  draftDisagreement,
  flagWords,
  segmentSpans,
  spanKey,
  wordKey,
  type RankOptions,
  type RankSegment,
} from '../../../main/store/review/rank';

const never = () => 5;

function segment(words: [string, number | null][], extra: Partial<RankSegment> = {}): RankSegment {
  return {
    id: 7,
    meetingId: 1,
    startMs: 0,
    endMs: 10_000,
    draftText: null,
    speakerNamed: true,
    words: words.map(([text, confidence], ord) => ({
      ord,
      text,
      startMs: ord * 300,
      endMs: ord * 300 + 250,
      confidence,
      reviewedAt: null,
    })),
    ...extra,
  };
}

const options = (patch: Partial<RankOptions> = {}): RankOptions => ({
  threshold: 0.9,
  vocabulary: [],
  documentFrequency: never,
  archiveSegments: 0,
  ...patch,
});

describe('review ranking', () => {
  it('groups consecutive low-confidence words into one span and scores by the chance of an error', () => {
    const s = segment([
      ['we', 0.99],
      ['deploy', 0.5],
      ['to', 0.6],
      ['the', 0.99],
      ['cluster', 0.85],
    ]);
    const spans = segmentSpans(s, options());
    expect(spans.map((x) => x.ords)).toEqual([[1, 2], [4]]);
    // Two words at 0.5 and 0.6: P(at least one wrong) = 1 - 0.5 * 0.6.
    expect(spans[0]!.score).toBeCloseTo(1 - 0.5 * 0.6, 6);
    expect(spans[1]!.score).toBeCloseTo(0.15, 6);
    expect(spans[0]!.confidence).toBe(0.5);
    expect(spans[0]!.reasons).toEqual(['low-confidence']);
    expect(spanKey(7, spans[0]!.ords)).toBe('7:1-2');
  });

  it('never flags a reviewed word, and splits the span around it', () => {
    const s = segment([
      ['a', 0.3],
      ['b', 0.3],
      ['c', 0.3],
    ]);
    (s.words[1] as { reviewedAt: number | null }).reviewedAt = 5;
    expect(segmentSpans(s, options()).map((x) => x.ords)).toEqual([[0], [2]]);
  });

  it('flags final words the draft did not have, even when confident', () => {
    const s = segment(
      [
        ['ship', 0.97],
        ['it', 0.98],
        ['on', 0.99],
        ['Tuesday.', 0.95],
      ],
      { draftText: 'ship it on Thursday' },
    );
    const flagged = flagWords(s, options());
    expect(flagged.map((f) => [f.ord, f.reasons])).toEqual([[3, ['draft-changed']]]);
    // Same confidence, without the disagreement, nothing is flagged.
    expect(flagWords({ ...s, draftText: null }, options())).toEqual([]);
  });

  it('aligns draft and final on folded tokens (case, accents and punctuation do not disagree)', () => {
    expect(draftDisagreement('the resume is READY', ['The', 'résumé', 'is', 'ready.'])).toEqual([
      false,
      false,
      false,
      false,
    ]);
    expect(draftDisagreement('one two three', ['one', 'extra', 'two', 'three'])).toEqual([
      false,
      true,
      false,
      false,
    ]);
  });

  it('ranks an unknown word above an equally confident known one, and the vocabulary clears it', () => {
    const s = segment([
      ['Kubernetis', 0.8],
      ['rollout', 0.8],
    ]);
    const frequency = (token: string) => (token === 'kubernetis' ? 1 : 40);
    const big = { documentFrequency: frequency, archiveSegments: 500 };
    const [unknown, known] = flagWords(s, options(big));
    expect(unknown!.reasons).toEqual(['low-confidence', 'unknown-word']);
    expect(known!.reasons).toEqual(['low-confidence']);
    expect(unknown!.p).toBeGreaterThan(known!.p);
    const withVocabulary = flagWords(s, options({ ...big, vocabulary: ['Kubernetis'] }));
    expect(withVocabulary[0]!.reasons).toEqual(['low-confidence']);
    // In a small archive every word is rare: rarity is not used.
    expect(flagWords(s, options({ documentFrequency: frequency }))[0]!.reasons).toEqual(['low-confidence']);
  });

  it('lets rarity flag a word above the threshold only in an archive big enough to judge rarity', () => {
    const s = segment([
      ['Zorbly', 0.93],
      ['rollout', 0.93],
    ]);
    const frequency = (token: string) => (token === 'zorbly' ? 1 : 40);
    const small = options({ documentFrequency: frequency, archiveSegments: 10, minArchiveSegments: 100 });
    expect(flagWords(s, small)).toEqual([]);
    const big = { ...small, archiveSegments: 100 };
    expect(flagWords(s, big).map((f) => [f.ord, f.reasons])).toEqual([[0, ['unknown-word']]]);
    // Over the relaxed bar (halfway to 1) rarity alone is not enough.
    const sure = segment([['Zorbly', 0.96]]);
    expect(flagWords(sure, big)).toEqual([]);
  });

  it('raises spans of short segments whose speaker nobody named', () => {
    const words: [string, number][] = [['yeah', 0.7]];
    const named = segmentSpans(segment(words, { endMs: 800 }), options());
    const unnamed = segmentSpans(segment(words, { endMs: 800, speakerNamed: false }), options());
    expect(unnamed[0]!.reasons).toEqual(['low-confidence', 'uncertain-speaker']);
    expect(unnamed[0]!.score).toBeGreaterThan(named[0]!.score);
    // The speaker signal alone flags nothing: there is no word to fix.
    expect(segmentSpans(segment([['yeah', 0.99]], { speakerNamed: false }), options())).toEqual([]);
  });

  it('compares words for "fix all" ignoring case, accents and punctuation', () => {
    expect(wordKey('Kubernetis,')).toBe(wordKey('kubernetis'));
    expect(wordKey('Résumé')).toBe(wordKey('resume'));
    expect(wordKey('resume')).not.toBe(wordKey('resumes'));
  });
});
