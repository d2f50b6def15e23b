/**
 * Adapter from the speaker engine (main/engines/speaker: embedder + online diarizer) to the session's
 * SpeakerAssigner: each final system segment is embedded window by window and joins the online clusters;
 * the segment takes the majority label. End-of-meeting re-clustering (recluster.ts) relabels afterwards
 * and is not part of the live path.
 */
import { attributeSegment, type OnlineDiarizer, type SpeakerEmbedder } from '../engines/speaker';
import type { SpeakerAssigner } from './types';

export function diarizerSpeakerAssigner(
  diarizer: OnlineDiarizer,
  embedder: SpeakerEmbedder,
  windowMs?: number,
): SpeakerAssigner {
  return {
    async assign(segment) {
      const attribution = await attributeSegment(
        diarizer,
        embedder,
        { id: segment.key, startMs: segment.startMs, endMs: segment.endMs, samples: segment.samples },
        windowMs,
      );
      return { label: attribution.speaker };
    },
  };
}
