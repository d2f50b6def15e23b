import { ApiException, type voiceMethods } from '../../api';
import {
  DEFAULT_MIN_EMOTION_SCORE,
  emotionTimeline,
  isEmotionLabel,
  thresholdEmotion,
  type EmotionSegment,
} from '../../engines/emotion';
import {
  makeVoiceprint,
  suggestNames,
  updateVoiceprint,
  type MeetingCluster,
  type Voiceprint as EngineVoiceprint,
} from '../../engines/speaker';
import type { Segment, Store, Voiceprint as StoredVoiceprint } from '../../store';
import type { BackendContext } from '../context';
import type { Handler } from '../server';
import { guard } from './store-errors';

export type VoiceHandlers = { [M in keyof typeof voiceMethods]: Handler<M> };

/**
 * Voiceprints, name suggestions, merge/split and emotion timelines over the store (issue 7). The
 * decisions live in the engines (suggestNames, emotionTimeline); this module reads rows, applies the
 * opt-in setting, writes, and announces the change.
 */
export function voiceHandlers(ctx: BackendContext): VoiceHandlers {
  const { store } = ctx;
  const enabled = () => ctx.settings.get().voiceprintsEnabled;
  const updated = (meetingIds: Iterable<number>) => {
    const ids = [...new Set(meetingIds)];
    if (ids.length) ctx.emit('archive.changed', { reason: 'updated', meetingIds: ids });
  };
  const printsChanged = (voiceprintIds: number[]) => ctx.emit('voiceprints.changed', { voiceprintIds });
  const info = (print: StoredVoiceprint) => ({
    id: print.id,
    name: print.name,
    modelId: print.modelId,
    createdAt: print.createdAt,
    speakerCount: store.voiceprints.speakers(print.id).length,
  });
  const speakerOf = (speakerId: number) => {
    const speaker = store.speakers.get(speakerId);
    if (!speaker) throw new ApiException('NOT_FOUND', `Speaker ${speakerId} does not exist.`);
    return speaker;
  };

  return {
    'voiceprints.list': guard(() => ({
      enabled: enabled(),
      voiceprints: store.voiceprints.list().map(info),
    })),

    'voiceprints.save': guard(({ speakerId, name }) => {
      if (!enabled()) {
        throw new ApiException(
          'INVALID_PARAMS',
          'Remembering voices is turned off. Turn on “Remember voices” in Settings to save a voiceprint.',
          { reason: 'voiceprints-disabled' },
        );
      }
      const speaker = speakerOf(speakerId);
      const centroid = store.speakers.centroid(speakerId);
      if (!centroid) {
        throw new ApiException(
          'INVALID_PARAMS',
          `${speaker.displayName ?? speaker.label} has no voice sample to remember (only voices heard in a recorded call have one).`,
          { reason: 'no-centroid' },
        );
      }
      const print = store.db.transaction(() => {
        const existing = refinable(store, speaker.voiceprintId, name, centroid.modelId);
        let saved: StoredVoiceprint;
        if (existing) {
          // One more meeting of a known voice: blend it in rather than replace (updateVoiceprint).
          const blended = updateVoiceprint(toEngine(existing), centroid.embedding, centroid.modelId);
          saved = store.voiceprints.update(existing.id, { embedding: blended.embedding, name });
        } else {
          const made = makeVoiceprint('new', name, centroid.modelId, centroid.embedding);
          saved = store.voiceprints.add({ name, embedding: made.embedding, modelId: made.modelId });
        }
        store.speakers.rename(speakerId, name);
        store.speakers.linkVoiceprint(speakerId, saved.id);
        return saved;
      })();
      updated([speaker.meetingId, ...store.voiceprints.speakers(print.id).map((s) => s.meetingId)]);
      printsChanged([print.id]);
      return { voiceprint: info(print), speaker: speakerOf(speakerId) };
    }),

    'voiceprints.rename': guard(({ voiceprintId, name }) => {
      const print = store.voiceprints.rename(voiceprintId, name);
      printsChanged([voiceprintId]);
      return info(print);
    }),

    'voiceprints.forget': guard(({ voiceprintId }) => {
      const forgotten = store.voiceprints.forget(voiceprintId);
      if (!forgotten) throw new ApiException('NOT_FOUND', `Voiceprint ${voiceprintId} does not exist.`);
      updated(forgotten.meetingIds);
      printsChanged([voiceprintId]);
      return { voiceprintId };
    }),

    'speakers.suggestions': guard(({ meetingId }) => {
      if (!store.meetings.get(meetingId))
        throw new ApiException('NOT_FOUND', `Meeting ${meetingId} does not exist.`);
      const speakers = store.speakers.list(meetingId);
      const centroids = store.speakers.centroids(meetingId);
      const savable = centroids.map((c) => c.speakerId);
      if (!enabled()) return { enabled: false, suggestions: [], savable };
      const byId = new Map(speakers.map((s) => [s.id, s]));
      // Names already used in this meeting are not offered again, whoever holds them.
      const taken = new Set(speakers.flatMap((s) => (s.displayName ? [s.displayName.toLowerCase()] : [])));
      const clusters: MeetingCluster[] = centroids.flatMap((c) => {
        const speaker = byId.get(c.speakerId);
        if (!speaker || speaker.voiceprintId !== null) return [];
        return [
          {
            label: String(c.speakerId),
            centroid: c.embedding,
            modelId: c.modelId,
            ...(speaker.displayName ? { userName: speaker.displayName } : {}),
          },
        ];
      });
      const prints = store.voiceprints
        .list()
        .filter((p) => !taken.has(p.name.toLowerCase()))
        .map(toEngine);
      const suggestions = suggestNames(clusters, prints).map((s) => ({
        speakerId: Number(s.label),
        voiceprintId: Number(s.voiceprintId),
        name: s.name,
        similarity: s.similarity,
        tier: s.tier,
      }));
      return { enabled: true, suggestions, savable };
    }),

    'speakers.acceptSuggestion': guard(({ speakerId, voiceprintId }) => {
      const print = store.voiceprints.get(voiceprintId);
      if (!print) throw new ApiException('NOT_FOUND', `Voiceprint ${voiceprintId} does not exist.`);
      speakerOf(speakerId);
      const speaker = store.db.transaction(() => {
        store.speakers.rename(speakerId, print.name);
        return store.speakers.linkVoiceprint(speakerId, voiceprintId);
      })();
      updated([speaker.meetingId]);
      return speaker;
    }),

    'speakers.merge': guard(({ fromSpeakerId, intoSpeakerId }) => {
      const from = speakerOf(fromSpeakerId);
      const into = store.speakers.merge(fromSpeakerId, intoSpeakerId);
      updated([from.meetingId]);
      return into;
    }),

    'speakers.split': guard(({ segmentIds, label }) => {
      const speaker = store.speakers.split(segmentIds, label);
      updated([speaker.meetingId]);
      return speaker;
    }),

    'meetings.emotions': guard(({ meetingId, binMs }) => {
      if (!store.meetings.get(meetingId))
        throw new ApiException('NOT_FOUND', `Meeting ${meetingId} does not exist.`);
      const bin = binMs ?? 60_000;
      const segments = store.segments.list(meetingId);
      const timeline = emotionTimeline(segments.map(emotionSegment), { binMs: bin });
      return {
        binMs: bin,
        speakers: timeline.map(({ speaker, ...rest }) => ({
          speakerId: speaker === '' ? null : Number(speaker),
          ...rest,
        })),
      };
    }),
  };
}

/**
 * A stored emotion as the timeline reads it. Low scores were already turned into 'unknown' when the
 * segment was stored (engines/emotion thresholdEmotion); applying the rule again here also covers
 * imported transcripts. A label without a score cannot be weighed and counts as no signal.
 */
function emotionSegment(s: Segment): EmotionSegment {
  const label = s.emotion?.toLowerCase() ?? null;
  const emotion =
    label && isEmotionLabel(label) && s.emotionScore !== null
      ? thresholdEmotion(label, s.emotionScore, 'model', DEFAULT_MIN_EMOTION_SCORE)
      : label
        ? { label: 'unknown' as const, score: 0 }
        : null;
  return {
    speaker: s.speakerId === null ? '' : String(s.speakerId),
    startMs: s.startMs,
    endMs: s.endMs,
    emotion: emotion && { label: emotion.label, score: emotion.score },
  };
}

/** The voiceprint a save refines: the one the speaker is linked to, else one of that name, same model. */
function refinable(
  store: Store,
  linkedId: number | null,
  name: string,
  modelId: string,
): StoredVoiceprint | null {
  const linked = linkedId === null ? null : store.voiceprints.get(linkedId);
  if (linked && linked.modelId === modelId) return linked;
  const wanted = name.trim().toLowerCase();
  return store.voiceprints.list(modelId).find((p) => p.name.toLowerCase() === wanted) ?? null;
}

function toEngine(p: StoredVoiceprint): EngineVoiceprint {
  return { id: String(p.id), name: p.name, modelId: p.modelId, embedding: p.embedding };
}
