import { beforeAll, describe, expect, it } from 'vitest';
import {
  recluster,
  SpeakerEmbeddingExtractor,
  type Embedding,
  type ReclusterItem,
  type SpeakerEmbedder,
} from '../../../main/engines/speaker';
import { voiceEmbeddingStubFile } from '../../fixtures/onnx/speaker-voice';
import { diarizationErrorRate, type DerResult, type Turn } from '../../tools/der';
import { buildMeeting, diarizeLive, script, stubCenter, type Meeting } from './meeting';

/**
 * End-to-end diarization on synthesized meetings (issue 7 "Done when"): espeak-ng voices of
 * different accent and pitch, a voice-dependent stub embedding model run through the real
 * extractor (fbank, ONNX session, L2 norm), the live diarizer over ~1.5 s windows of each final
 * segment, then end-of-meeting re-clustering. DER (md-eval, 250 ms collar) and speaker counts are
 * printed and asserted.
 */

const MEETINGS: Record<string, string[]> = {
  two: ['us', 'gb', 'us', 'gb', 'gb', 'us', 'gb', 'us', 'us', 'gb'],
  three: ['us', 'gb', 'scot', 'gb', 'us', 'scot', 'scot', 'gb', 'us', 'gb', 'scot', 'us'],
  four: ['car', 'us', 'gb', 'scot', 'car', 'gb', 'us', 'scot', 'car', 'us', 'gb', 'scot', 'car', 'gb'],
};
// Turns whose segment runs into the next speaker's (one VAD segment over a speaker change).
const RUN_ON: Record<string, number[]> = { two: [], three: [2], four: [7] };
// Short backchannels (< 1 s) that must not open speakers of their own.
const BACKCHANNELS: Record<string, Record<number, string>> = {
  two: { 4: 'Yes.' },
  three: { 6: 'Okay.' },
  four: { 5: 'Right.', 10: 'Sure.' },
};

interface Figures {
  meeting: string;
  speakers: number;
  live: DerResult;
  reclustered: DerResult;
  known: DerResult;
  complete: DerResult;
}

const figures: Figures[] = [];
/** Live thresholds swept to check that re-clustering helps whatever state the live pass left. */
const SWEEP = [0.25, 0.3, 0.5, 0.6];
const sweep: { meeting: string; threshold: number; live: number; reclustered: number }[] = [];
let meetings: Record<string, Meeting>;

/**
 * Thresholds calibrated for the stub model (MODELS.md §6.4: thresholds are model-specific). With
 * it, same-voice 1.5-3 s windows sit at cos ~0.6-0.9 to their centroid and different voices
 * around 0, with a tail to 0.6 because the stub's mean log-mel also depends on what is said.
 */
const LIVE = { threshold: 0.4 };
const RECLUSTER = { distanceThreshold: 0.7, minClusterMs: 3000 };

const toTurns = (items: readonly { speaker: string; startMs: number; endMs: number }[]): Turn[] =>
  items.map((w) => ({ speaker: w.speaker, start: w.startMs / 1000, end: w.endMs / 1000 }));

/** Embeds each window once, whatever the live threshold (the diarizer itself is pure). */
function memo(embedder: SpeakerEmbedder): SpeakerEmbedder {
  const cache = new Map<string, Promise<Embedding | null>>();
  return {
    modelId: embedder.modelId,
    dim: embedder.dim,
    embed(samples) {
      const key = `${samples.byteOffset}:${samples.length}`;
      if (!cache.has(key)) cache.set(key, embedder.embed(samples));
      return cache.get(key)!;
    },
  };
}

async function diarize(extractor: SpeakerEmbedder, m: Meeting, trueCount: number) {
  const live = await diarizeLive(extractor, m, LIVE);
  const windows: ReclusterItem[] = live.windows();
  const re = recluster(windows, RECLUSTER);
  const known = recluster(windows, { ...RECLUSTER, numSpeakers: trueCount });
  // sherpa's linkage at the same cut, for comparison only (see agglomerative.ts for the choice).
  const complete = recluster(windows, { ...RECLUSTER, linkage: 'complete' });
  return {
    live: toTurns(windows),
    reclustered: toTurns(windows.map((w, i) => ({ ...w, speaker: re.speakers[i]! }))),
    known: toTurns(windows.map((w, i) => ({ ...w, speaker: known.speakers[i]! }))),
    complete: toTurns(windows.map((w, i) => ({ ...w, speaker: complete.speakers[i]! }))),
  };
}

beforeAll(async () => {
  meetings = Object.fromEntries(
    Object.entries(MEETINGS).map(([name, pattern], k) => [
      name,
      buildMeeting(script(pattern, k * 5, BACKCHANNELS[name]), 400, RUN_ON[name]),
    ]),
  );
  const center = stubCenter();
  const extractor = await SpeakerEmbeddingExtractor.load(voiceEmbeddingStubFile({ center, dim: 256 }));
  for (const [name, m] of Object.entries(meetings)) {
    const speakers = new Set(MEETINGS[name]).size;
    const embedder = memo(extractor);
    const hyp = await diarize(embedder, m, speakers);
    for (const threshold of SWEEP) {
      const windows = (await diarizeLive(embedder, m, { ...LIVE, threshold })).windows();
      const re = recluster(windows, RECLUSTER);
      sweep.push({
        meeting: name,
        threshold,
        live: diarizationErrorRate(m.reference, toTurns(windows)).der,
        reclustered: diarizationErrorRate(
          m.reference,
          toTurns(windows.map((w, i) => ({ ...w, speaker: re.speakers[i]! }))),
        ).der,
      });
    }
    figures.push({
      meeting: name,
      speakers,
      live: diarizationErrorRate(m.reference, hyp.live),
      reclustered: diarizationErrorRate(m.reference, hyp.reclustered),
      known: diarizationErrorRate(m.reference, hyp.known),
      complete: diarizationErrorRate(m.reference, hyp.complete),
    });
  }
  await extractor.dispose();
  const pct = (r: DerResult) => `${(100 * r.der).toFixed(1).padStart(5)}% (${r.hypSpeakers} spk)`;
  console.log(
    [
      'meeting  true  live DER          re-clustered DER   known-count DER    complete-linkage DER',
      ...figures.map(
        (f) =>
          `${f.meeting.padEnd(8)} ${String(f.speakers).padEnd(5)} ${pct(f.live).padEnd(18)} ${pct(f.reclustered).padEnd(18)} ${pct(f.known).padEnd(18)} ${pct(f.complete)}`,
      ),
      `live-threshold sweep (live -> re-clustered DER): ${sweep
        .map(
          (x) =>
            `${x.meeting}@${x.threshold} ${(100 * x.live).toFixed(1)}->${(100 * x.reclustered).toFixed(1)}%`,
        )
        .join(', ')}`,
    ].join('\n'),
  );
}, 120_000);

describe('diarization of synthesized meetings', () => {
  it('keeps DER low and finds the right number of speakers after re-clustering', () => {
    for (const f of figures) {
      expect(f.reclustered.der, f.meeting).toBeLessThan(0.05);
      expect(f.reclustered.speakerCountError, f.meeting).toBe(0);
      expect(f.known.der, f.meeting).toBeLessThan(0.05);
      expect(f.known.speakerCountError, f.meeting).toBe(0);
    }
  });

  it('live diarization is usable on its own and never over-splits badly', () => {
    for (const f of figures) {
      expect(f.live.der, f.meeting).toBeLessThan(0.3);
      expect(Math.abs(f.live.speakerCountError), f.meeting).toBeLessThanOrEqual(2);
    }
  });

  it('end-of-meeting re-clustering never increases DER', () => {
    for (const f of figures) expect(f.reclustered.der, f.meeting).toBeLessThanOrEqual(f.live.der + 1e-9);
    // Across other live thresholds: never worse by more than one window that straddles a speaker
    // change inside a run-on segment (half one voice, half the other: ~2% of "four"), whose label
    // is a near-tie either way; and better on average.
    for (const x of sweep)
      expect(x.reclustered, `${x.meeting} @ ${x.threshold}`).toBeLessThanOrEqual(x.live + 0.025);
    const avg = (k: 'live' | 'reclustered') => sweep.reduce((a, x) => a + x[k], 0) / sweep.length;
    expect(avg('reclustered')).toBeLessThan(avg('live'));
    const mean = (k: 'live' | 'reclustered') => figures.reduce((a, f) => a + f[k].der, 0) / figures.length;
    expect(mean('reclustered')).toBeLessThanOrEqual(mean('live'));
  });
});
