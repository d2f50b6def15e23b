/**
 * Diarization error rate as NIST md-eval defines it (RT-0x evaluation plan; md-eval-v21/v22),
 * and the speaker-count error.
 *
 * At every instant of the scored time, with N_ref reference speakers active, N_hyp hypothesis
 * speakers active and N_correct of those pairs matched by the speaker mapping:
 *   missed     += max(0, N_ref − N_hyp)
 *   falseAlarm += max(0, N_hyp − N_ref)
 *   confusion  += min(N_ref, N_hyp) − N_correct
 *   total      += N_ref
 *   DER = (missed + falseAlarm + confusion) / total
 * Overlapped speech is scored (md-eval's default). The mapping is the one-to-one speaker map that
 * maximises the total time both are active (md-eval's optimal mapping), solved with the Hungarian
 * method over the scored time. A no-score collar of `collar` (default 0.25 s) either side of every
 * reference segment boundary is removed from the scored time. Without a UEM, the scored region is
 * the span from the earliest to the latest boundary of reference and hypothesis together, so false
 * alarms beyond the reference are counted.
 * Times are in seconds (any unit works if `collar` uses the same one).
 */
import { maxWeightAssignment } from '../../main/engines/speaker/assignment';

export interface Turn {
  speaker: string;
  start: number;
  end: number;
}

export interface DerOptions {
  /** No-score collar each side of reference boundaries; md-eval's usual 0.25 s. */
  collar?: number;
  /** Scored region [start, end]; default: the extent of reference and hypothesis. */
  uem?: { start: number; end: number };
}

export interface DerResult {
  der: number;
  missed: number;
  falseAlarm: number;
  confusion: number;
  /** Reference speech time in the scored region (overlap counted per speaker). */
  total: number;
  /** Hypothesis speaker -> reference speaker. */
  mapping: Map<string, string>;
  refSpeakers: number;
  hypSpeakers: number;
  /** hypSpeakers − refSpeakers. */
  speakerCountError: number;
}

export function diarizationErrorRate(
  reference: readonly Turn[],
  hypothesis: readonly Turn[],
  options: DerOptions = {},
): DerResult {
  const collar = options.collar ?? 0.25;
  const ref = reference.filter((t) => t.end > t.start);
  const hyp = hypothesis.filter((t) => t.end > t.start);
  const all = [...ref, ...hyp];
  const uem = options.uem ?? {
    start: all.length ? Math.min(...all.map((t) => t.start)) : 0,
    end: all.length ? Math.max(...all.map((t) => t.end)) : 0,
  };
  // No-score zones around reference boundaries.
  const noScore = ref.flatMap((t) => [
    [t.start - collar, t.start + collar],
    [t.end - collar, t.end + collar],
  ]);
  const cuts = new Set<number>([uem.start, uem.end]);
  for (const t of all) {
    cuts.add(t.start);
    cuts.add(t.end);
  }
  for (const [a, b] of noScore) {
    cuts.add(a!);
    cuts.add(b!);
  }
  const points = [...cuts].filter((p) => p >= uem.start && p <= uem.end).sort((a, b) => a - b);
  const refNames = [...new Set(ref.map((t) => t.speaker))];
  const hypNames = [...new Set(hyp.map((t) => t.speaker))];
  const active = (turns: readonly Turn[], mid: number) =>
    new Set(turns.filter((t) => t.start <= mid && mid < t.end).map((t) => t.speaker));
  const pieces: { dt: number; r: Set<string>; h: Set<string> }[] = [];
  for (let k = 0; k + 1 < points.length; k++) {
    const a = points[k]!;
    const b = points[k + 1]!;
    const mid = (a + b) / 2;
    if (noScore.some(([x, y]) => x! < mid && mid < y!)) continue;
    pieces.push({ dt: b - a, r: active(ref, mid), h: active(hyp, mid) });
  }
  // Optimal one-to-one mapping by co-occurrence time in the scored region.
  const overlap = hypNames.map(() => refNames.map(() => 0));
  for (const p of pieces)
    for (const h of p.h) for (const r of p.r) overlap[hypNames.indexOf(h)]![refNames.indexOf(r)]! += p.dt;
  const match = maxWeightAssignment(overlap);
  const mapping = new Map<string, string>();
  hypNames.forEach((h, i) => {
    if (match[i]! >= 0 && overlap[i]![match[i]!]! > 0) mapping.set(h, refNames[match[i]!]!);
  });
  let missed = 0;
  let falseAlarm = 0;
  let confusion = 0;
  let total = 0;
  for (const p of pieces) {
    const nRef = p.r.size;
    const nHyp = p.h.size;
    let correct = 0;
    for (const h of p.h) if (mapping.has(h) && p.r.has(mapping.get(h)!)) correct++;
    missed += Math.max(0, nRef - nHyp) * p.dt;
    falseAlarm += Math.max(0, nHyp - nRef) * p.dt;
    confusion += (Math.min(nRef, nHyp) - correct) * p.dt;
    total += nRef * p.dt;
  }
  const errors = missed + falseAlarm + confusion;
  return {
    der: total > 0 ? errors / total : errors > 0 ? Infinity : 0,
    missed,
    falseAlarm,
    confusion,
    total,
    mapping,
    refSpeakers: refNames.length,
    hypSpeakers: hypNames.length,
    speakerCountError: hypNames.length - refNames.length,
  };
}
