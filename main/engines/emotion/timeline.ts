/**
 * Per-speaker emotion timeline over a meeting (issue 7 §4), for the UI. Presented as signals:
 * each bin reports how much of a speaker's *confidently tagged* speech carried each label and how
 * many segments that rests on, never a single "this person was angry". 'unknown' segments count as
 * speech without a signal (they lower coverage) and are never folded into 'neutral'.
 */
import type { EmotionLabel } from './types';

export interface EmotionSegment {
  speaker: string;
  startMs: number;
  endMs: number;
  emotion: { label: EmotionLabel; score: number } | null;
}

export interface EmotionSignal {
  label: EmotionLabel;
  /** Share of the tagged speech in the span, duration-weighted, in [0, 1]. */
  share: number;
  /** Segments carrying this label. */
  segments: number;
  /** Mean score of those segments. */
  meanScore: number;
}

export interface EmotionBin {
  startMs: number;
  endMs: number;
  speechMs: number;
  /** Fraction of speechMs that had a confident (non-unknown) label. */
  coverage: number;
  /** Labels present, largest share first. */
  signals: EmotionSignal[];
  /**
   * The label worth surfacing, if any: a non-neutral label holding at least `minShare` of the
   * tagged speech and resting on at least `minSegments` segments. Null otherwise.
   */
  notable: EmotionLabel | null;
}

export interface SpeakerEmotionTimeline {
  speaker: string;
  speechMs: number;
  overall: EmotionBin;
  bins: EmotionBin[];
}

export interface TimelineOptions {
  /** Bin width; default 60 s. */
  binMs?: number;
  minShare?: number;
  minSegments?: number;
}

export function emotionTimeline(
  segments: readonly EmotionSegment[],
  options: TimelineOptions = {},
): SpeakerEmotionTimeline[] {
  const binMs = options.binMs ?? 60_000;
  const minShare = options.minShare ?? 0.4;
  const minSegments = options.minSegments ?? 2;
  const speakers = [...new Set(segments.map((s) => s.speaker))];
  const end = Math.max(0, ...segments.map((s) => s.endMs));
  return speakers.map((speaker) => {
    const mine = segments.filter((s) => s.speaker === speaker && s.endMs > s.startMs);
    const bins: EmotionBin[] = [];
    for (let t = 0; t < end; t += binMs)
      bins.push(summarise(mine, t, Math.min(end, t + binMs), minShare, minSegments));
    return {
      speaker,
      speechMs: mine.reduce((a, s) => a + s.endMs - s.startMs, 0),
      overall: summarise(mine, 0, end, minShare, minSegments),
      bins,
    };
  });
}

function summarise(
  segments: readonly EmotionSegment[],
  from: number,
  to: number,
  minShare: number,
  minSegments: number,
): EmotionBin {
  let speechMs = 0;
  let taggedMs = 0;
  const acc = new Map<EmotionLabel, { ms: number; segments: number; score: number }>();
  for (const s of segments) {
    const ms = Math.min(to, s.endMs) - Math.max(from, s.startMs);
    if (ms <= 0) continue;
    speechMs += ms;
    if (!s.emotion || s.emotion.label === 'unknown') continue;
    taggedMs += ms;
    const a = acc.get(s.emotion.label) ?? { ms: 0, segments: 0, score: 0 };
    a.ms += ms;
    a.segments += 1;
    a.score += s.emotion.score;
    acc.set(s.emotion.label, a);
  }
  const signals = [...acc]
    .map(([label, a]) => ({
      label,
      share: a.ms / taggedMs,
      segments: a.segments,
      meanScore: a.score / a.segments,
    }))
    .sort((a, b) => b.share - a.share);
  const top = signals.find((s) => s.label !== 'neutral' && s.share >= minShare && s.segments >= minSegments);
  return {
    startMs: from,
    endMs: to,
    speechMs,
    coverage: speechMs > 0 ? taggedMs / speechMs : 0,
    signals,
    notable: top?.label ?? null,
  };
}
