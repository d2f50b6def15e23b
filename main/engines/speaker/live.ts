/**
 * Glue for the pipeline: one final segment of the system channel in, its speaker out. Cuts the
 * segment into embedding windows (online.ts `embeddingWindows`), embeds each with the loaded model,
 * measures its level, and hands the windows to the live diarizer. Kept separate from online.ts so
 * that the diarizer stays pure logic over embeddings.
 */
import type { SpeakerEmbedder } from './extractor';
import {
  embeddingWindows,
  majorityLabel,
  rmsDb,
  type OnlineDiarizer,
  type WindowAttribution,
} from './online';

export interface FinalSegmentAudio {
  id: string;
  startMs: number;
  endMs: number;
  /** The segment's 16 kHz samples in [-1, 1]; samples[0] is at startMs. */
  samples: Float32Array;
}

export interface SegmentAttribution {
  segmentId: string;
  /** Speaker covering most of the segment. */
  speaker: string;
  /** True when every window of the segment was attributed from context, not from its voice. */
  provisional: boolean;
  windows: WindowAttribution[];
}

export async function attributeSegment(
  diarizer: OnlineDiarizer,
  embedder: SpeakerEmbedder,
  segment: FinalSegmentAudio,
  windowMs = 1500,
): Promise<SegmentAttribution> {
  const attributions: WindowAttribution[] = [];
  for (const w of embeddingWindows(segment.startMs, segment.endMs, windowMs)) {
    const from = Math.round(((w.startMs - segment.startMs) * 16000) / 1000);
    const to = Math.min(segment.samples.length, Math.round(((w.endMs - segment.startMs) * 16000) / 1000));
    const audio = segment.samples.subarray(from, to);
    const embedding = await embedder.embed(audio);
    attributions.push(diarizer.addWindow({ segmentId: segment.id, ...w, embedding, rmsDb: rmsDb(audio) }));
  }
  return {
    segmentId: segment.id,
    speaker: majorityLabel(attributions) ?? '',
    provisional: attributions.every((a) => a.provisional),
    windows: attributions,
  };
}
