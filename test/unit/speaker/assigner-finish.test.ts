import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OnlineDiarizer,
  SpeakerEmbeddingExtractor,
  type Embedding,
  type SpeakerEmbedder,
} from '../../../main/engines/speaker';
import { diarizerSpeakerAssigner } from '../../../main/pipeline/speaker';
import type { SpeakerSummary } from '../../../main/pipeline/types';
import { voiceEmbeddingStubFile } from '../../fixtures/onnx/speaker-voice';
import { diarizationErrorRate, type Turn } from '../../tools/der';
import { buildMeeting, script, slice, stubCenter, type Meeting } from './meeting';
import { around, rng } from './synthetic';

/**
 * The session's end-of-meeting step (SpeakerAssigner.finish, issue 7 item 2) on the synthesized
 * meetings of diarization-meetings.test.ts: what the store ends up with is one label per final
 * segment, so DER is scored on segments as the session relabels them, before and after finish().
 */

const MEETINGS: Record<string, { pattern: string[]; runOn: number[]; short: Record<number, string> }> = {
  two: {
    pattern: ['us', 'gb', 'us', 'gb', 'gb', 'us', 'gb', 'us', 'us', 'gb'],
    runOn: [],
    short: { 4: 'Yes.' },
  },
  three: {
    pattern: ['us', 'gb', 'scot', 'gb', 'us', 'scot', 'scot', 'gb', 'us', 'gb', 'scot', 'us'],
    runOn: [2],
    short: { 6: 'Okay.' },
  },
  four: {
    pattern: ['car', 'us', 'gb', 'scot', 'car', 'gb', 'us', 'scot', 'car', 'us', 'gb', 'scot', 'car', 'gb'],
    runOn: [7],
    short: { 5: 'Right.', 10: 'Sure.' },
  },
};
/** Live thresholds: from over-splitting (high) to over-merging (low), calibrated for the stub model. */
const THRESHOLDS = [0.3, 0.4, 0.5, 0.6];
const RECLUSTER = { distanceThreshold: 0.7 };

let extractor: SpeakerEmbeddingExtractor;
let meetings: Record<string, Meeting>;

interface Run {
  live: Map<string, string>;
  summary: SpeakerSummary;
  final: Map<string, string>;
}

async function runMeeting(m: Meeting, threshold: number, speakerCount?: number): Promise<Run> {
  const assigner = diarizerSpeakerAssigner(new OnlineDiarizer({ threshold }), extractor, {
    recluster: RECLUSTER,
  });
  const live = new Map<string, string>();
  for (const s of m.segments) {
    const { label } = await assigner.assign({
      key: s.id,
      channel: 'system',
      startMs: s.startMs,
      endMs: s.endMs,
      samples: slice(m.samples, s.startMs, s.endMs),
    });
    live.set(s.id, label);
  }
  const summary = await assigner.finish(speakerCount === undefined ? undefined : { speakerCount });
  const final = new Map([...live].map(([key, label]) => [key, summary.relabel[key] ?? label]));
  return { live, summary, final };
}

function turns(m: Meeting, labels: ReadonlyMap<string, string>): Turn[] {
  return m.segments.map((s) => ({
    speaker: labels.get(s.id)!,
    start: s.startMs / 1000,
    end: s.endMs / 1000,
  }));
}

beforeAll(async () => {
  meetings = Object.fromEntries(
    Object.entries(MEETINGS).map(([name, { pattern, runOn, short }], k) => [
      name,
      buildMeeting(script(pattern, k * 5, short), 400, runOn),
    ]),
  );
  extractor = await SpeakerEmbeddingExtractor.load(
    voiceEmbeddingStubFile({ center: stubCenter(), dim: 256 }),
    {
      modelId: 'voice-stub-256',
    },
  );
}, 120_000);

afterAll(() => extractor?.dispose());

describe('diarizerSpeakerAssigner.finish on synthesized meetings', () => {
  it('never increases segment DER, whatever the live threshold, and finds the speaker count', async () => {
    const lines: string[] = [];
    for (const [name, m] of Object.entries(meetings)) {
      const trueCount = new Set(MEETINGS[name]!.pattern).size;
      for (const threshold of THRESHOLDS) {
        const run = await runMeeting(m, threshold);
        const before = diarizationErrorRate(m.reference, turns(m, run.live));
        const after = diarizationErrorRate(m.reference, turns(m, run.final));
        lines.push(
          `${name}@${threshold}: ${(100 * before.der).toFixed(1)}% (${before.hypSpeakers} spk) -> ` +
            `${(100 * after.der).toFixed(1)}% (${after.hypSpeakers} spk), ${Object.keys(run.summary.relabel).length} relabelled`,
        );
        expect(after.der, `${name} @ ${threshold}`).toBeLessThanOrEqual(before.der + 1e-9);
        expect(after.der, `${name} @ ${threshold}`).toBeLessThan(0.1);
        expect(after.speakerCountError, `${name} @ ${threshold}`).toBe(0);
        expect(after.hypSpeakers, `${name} @ ${threshold}`).toBe(trueCount);
        // One centroid per final label, from the embedder's model, unit length.
        expect(new Set(run.summary.centroids.map((c) => c.label))).toEqual(new Set(run.final.values()));
        for (const c of run.summary.centroids) {
          expect(c.modelId).toBe('voice-stub-256');
          expect(Math.hypot(...c.embedding)).toBeCloseTo(1, 4);
        }
      }
    }
    console.log(`segment DER live -> after finish():\n${lines.join('\n')}`);
  }, 120_000);

  it('maps re-clustered speakers onto the live labels (no reshuffle) and reports only changes', async () => {
    for (const [name, m] of Object.entries(meetings)) {
      const run = await runMeeting(m, 0.5);
      // Every label after finish was already a live label: re-clustering merges, it does not rename.
      const liveLabels = new Set(run.live.values());
      for (const label of run.final.values()) expect(liveLabels.has(label), name).toBe(true);
      for (const [key, label] of Object.entries(run.summary.relabel))
        expect(run.live.get(key)).not.toBe(label);
      // The first speaker of the meeting keeps its name.
      const first = m.segments[0]!.id;
      expect(run.final.get(first), name).toBe(run.live.get(first));
    }
  });

  it('uses the speaker count the user gives', async () => {
    const m = meetings.three!;
    const run = await runMeeting(m, 0.3, 2);
    expect(new Set(run.final.values()).size).toBe(2);
    const exact = await runMeeting(m, 0.3, 3);
    expect(diarizationErrorRate(m.reference, turns(m, exact.final)).speakerCountError).toBe(0);
  });
});

describe('diarizerSpeakerAssigner.finish label stability', () => {
  /** An embedder that returns a chosen vector per segment (looked up by the samples' first value). */
  function scripted(vectors: Embedding[]): SpeakerEmbedder {
    return { modelId: 'scripted', dim: 16, embed: async (samples) => vectors[Math.round(samples[0]!)]! };
  }
  const audio = (k: number, ms: number) => new Float32Array((ms * 16000) / 1000).fill(k);

  it('folds a live over-split back into the speaker it came from and leaves the others alone', async () => {
    const rand = rng(3);
    // Voices A (axis 0) and B (axis 1); A's third turn (a laugh, say) is odd enough to open S3 live.
    const voices = [0, 1, 0, 1, 0, 1, 0];
    const vectors = voices.map((v) => around(v, 0.1, rand));
    vectors[4] = new Float32Array(16);
    vectors[4][0] = 0.6;
    vectors[4][2] = 0.8;
    const assigner = diarizerSpeakerAssigner(
      new OnlineDiarizer({ threshold: 0.8, newSpeakerThreshold: 0.8, minReliableDb: undefined }),
      scripted(vectors),
      { recluster: { distanceThreshold: 0.6, minClusterMs: 0 } },
    );
    const live: string[] = [];
    for (let k = 0; k < voices.length; k++) {
      const { label } = await assigner.assign({
        key: `k${k}`,
        channel: 'system',
        startMs: k * 3000,
        endMs: k * 3000 + 2000,
        samples: audio(k, 1400),
      });
      live.push(label);
    }
    expect(live).toEqual(['S1', 'S2', 'S1', 'S2', 'S3', 'S2', 'S1']);
    const summary = await assigner.finish();
    expect(summary.relabel).toEqual({ k4: 'S1' });
    const final = live.map((label, k) => summary.relabel[`k${k}`] ?? label);
    // Two speakers, named after their first live label: S1 (A) and the label B first got.
    expect(final.filter((_, k) => voices[k] === 0).every((l) => l === live[0])).toBe(true);
    expect(final.filter((_, k) => voices[k] === 1).every((l) => l === live[1])).toBe(true);
    // Only segments whose label changed are listed.
    for (const [key, label] of Object.entries(summary.relabel))
      expect(live[Number(key.slice(1))]).not.toBe(label);
    expect(summary.centroids.map((c) => c.label).sort()).toEqual([live[0], live[1]].sort());
  });

  it('returns nothing to do for an empty meeting', async () => {
    const assigner = diarizerSpeakerAssigner(new OnlineDiarizer(), scripted([]));
    expect(await assigner.finish()).toEqual({ relabel: {}, centroids: [] });
  });
});
