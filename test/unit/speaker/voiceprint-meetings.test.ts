import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cosine,
  makeVoiceprint,
  recluster,
  SpeakerEmbeddingExtractor,
  suggestNames,
  type MeetingCluster,
  type Voiceprint,
} from '../../../main/engines/speaker';
import { voiceEmbeddingStubFile } from '../../fixtures/onnx/speaker-voice';
import { diarizationErrorRate } from '../../tools/der';
import { buildMeeting, diarizeLive, script, stubCenter, type Meeting } from './meeting';

/**
 * Voiceprints across meetings (issue 7 "Done when"): names given in a first meeting are saved as
 * voiceprints from that meeting's re-clustered centroids; a second meeting with one of those
 * voices and a voice nobody named gets the name suggested for the first and nothing for the other.
 */

const LIVE = { threshold: 0.4 };
const RECLUSTER = { distanceThreshold: 0.7, minClusterMs: 3000 };

let extractor: SpeakerEmbeddingExtractor;
let first: Meeting;
let second: Meeting;

async function clustersOf(m: Meeting): Promise<{ clusters: MeetingCluster[]; voiceOf: Map<string, string> }> {
  const live = await diarizeLive(extractor, m, LIVE);
  const windows = live.windows();
  const result = recluster(windows, RECLUSTER);
  // Which true voice each cluster label stands for (via the DER mapping), to check suggestions.
  const hyp = windows.map((w, i) => ({
    speaker: result.speakers[i]!,
    start: w.startMs / 1000,
    end: w.endMs / 1000,
  }));
  const der = diarizationErrorRate(m.reference, hyp);
  console.log(`meeting DER ${(100 * der.der).toFixed(1)}%, ${der.hypSpeakers} speakers`);
  expect(der.der).toBeLessThan(0.05);
  const clusters = [...result.centroids].map(([label, centroid]) => ({
    label,
    centroid,
    modelId: extractor.modelId,
  }));
  return { clusters, voiceOf: der.mapping };
}

beforeAll(async () => {
  first = buildMeeting(script(['us', 'gb', 'scot', 'gb', 'us', 'scot', 'us', 'gb', 'scot'], 2));
  second = buildMeeting(script(['gb', 'scot', 'gb', 'scot', 'gb', 'scot', 'gb'], 9));
  const center = stubCenter();
  extractor = await SpeakerEmbeddingExtractor.load(voiceEmbeddingStubFile({ center, dim: 256 }), {
    modelId: 'voice-stub-256',
  });
}, 60_000);

afterAll(() => extractor?.dispose());

describe('voiceprints across meetings', () => {
  it('suggests a saved name for the same voice in a later meeting and refuses an unknown voice', async () => {
    const a = await clustersOf(first);
    const labelOf = (m: Map<string, string>, voice: string) => [...m].find(([, v]) => v === voice)![0];
    // In meeting one the user names the US voice "Bob" and the British voice "Alice" (scot stays unnamed).
    const prints: Voiceprint[] = [
      makeVoiceprint(
        'vp-bob',
        'Bob',
        extractor.modelId,
        a.clusters.find((c) => c.label === labelOf(a.voiceOf, 'us'))!.centroid,
      ),
      makeVoiceprint(
        'vp-alice',
        'Alice',
        extractor.modelId,
        a.clusters.find((c) => c.label === labelOf(a.voiceOf, 'gb'))!.centroid,
      ),
    ];
    // The same people's prints from another model must be ignored, whatever their vectors say.
    const foreign = prints.map((p) => ({
      ...p,
      id: `${p.id}-other`,
      name: `${p.name} (other model)`,
      modelId: 'campplus-512',
    }));

    const b = await clustersOf(second);
    const suggestions = suggestNames(b.clusters, [...prints, ...foreign]);
    console.log(
      'voiceprint suggestions:',
      suggestions.map(
        (s) => `${s.label}(${b.voiceOf.get(s.label)}) -> ${s.name} cos ${s.similarity.toFixed(2)} ${s.tier}`,
      ),
    );
    const gbLabel = labelOf(b.voiceOf, 'gb');
    const scotLabel = labelOf(b.voiceOf, 'scot');
    const scot = b.clusters.find((c) => c.label === scotLabel)!;
    console.log(
      'unknown voice, best cosine to any voiceprint:',
      Math.max(...prints.map((p) => cosine(scot.centroid, p.embedding))).toFixed(2),
    );
    const forGb = suggestions.find((s) => s.label === gbLabel);
    expect(forGb?.name).toBe('Alice');
    expect(['sure', 'likely']).toContain(forGb?.tier);
    expect(suggestions.find((s) => s.label === scotLabel)).toBeUndefined();
    expect(suggestions.every((s) => !s.name.includes('other model'))).toBe(true);

    // A name the user already set in meeting two is never overridden, nor offered to someone else.
    const named = b.clusters.map((c) => (c.label === gbLabel ? { ...c, userName: 'Alice' } : c));
    expect(suggestNames(named, prints)).toEqual([]);
  });
});
