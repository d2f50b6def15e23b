/**
 * Voices for renderer tests (issue 7): voiceprints, suggestions, merge/split and emotion timelines over
 * the fake archive's meetings, with the contract's shapes and events. Suggestions and emotion timelines
 * are what the test sets (their computation is tested in test/unit/backend); the rest behaves like the
 * real handlers. Tests reach the state with `fakeVoicesOf(backend.archive)`.
 */
import {
  ApiException,
  type EventName,
  type MeetingDetail,
  type NameSuggestion,
  type PayloadOf,
  type ResultOf,
  type Settings,
  type Speaker,
  type Voiceprint,
} from '../../main/api';
import type { Handlers } from '../../main/backend/server';
import type { FakeArchive } from './fake-archive';

type VoiceMethod = Extract<
  keyof Handlers,
  | `voiceprints.${string}`
  | 'speakers.suggestions'
  | 'speakers.acceptSuggestion'
  | 'speakers.merge'
  | 'speakers.split'
  | 'meetings.emotions'
>;

export interface FakeVoices {
  handlers: { [M in VoiceMethod]: Handlers[M] };
  voiceprints: Voiceprint[];
  /** What speakers.suggestions answers for a meeting (while voiceprints are enabled). */
  setSuggestions(meetingId: number, value: { suggestions: NameSuggestion[]; savable: number[] }): void;
  setEmotions(meetingId: number, value: ResultOf<'meetings.emotions'>): void;
  /** Every call as received. */
  calls: { method: VoiceMethod; params: unknown }[];
}

const registry = new WeakMap<FakeArchive, FakeVoices>();

export function fakeVoicesOf(archive: FakeArchive): FakeVoices {
  const voices = registry.get(archive);
  if (!voices) throw new Error('this fake backend has no fake voices');
  return voices;
}

export function createFakeVoices(
  archive: FakeArchive,
  settings: () => Settings,
  emit: <E extends EventName>(event: E, payload: PayloadOf<E>) => void,
): FakeVoices {
  const voiceprints: Voiceprint[] = [];
  const suggestions = new Map<number, { suggestions: NameSuggestion[]; savable: number[] }>();
  const emotions = new Map<number, ResultOf<'meetings.emotions'>>();
  const calls: FakeVoices['calls'] = [];
  let nextId = 10_000;

  const meetings = (): MeetingDetail[] => {
    const list = archive.handlers['meetings.list'](
      { limit: 500, offset: 0 },
      {} as never,
    ) as ResultOf<'meetings.list'>;
    return list.meetings.map((m) => archive.get(m.id)!);
  };
  const findSpeaker = (speakerId: number): { detail: MeetingDetail; index: number } => {
    for (const detail of meetings()) {
      const index = detail.speakers.findIndex((s) => s.id === speakerId);
      if (index >= 0) return { detail, index };
    }
    throw new ApiException('NOT_FOUND', `Speaker ${speakerId} does not exist.`);
  };
  const patchSpeaker = (speakerId: number, patch: Partial<Speaker>): Speaker => {
    const { detail, index } = findSpeaker(speakerId);
    const speaker = { ...detail.speakers[index]!, ...patch };
    detail.speakers[index] = speaker;
    return speaker;
  };
  const printOf = (voiceprintId: number) => {
    const print = voiceprints.find((p) => p.id === voiceprintId);
    if (!print) throw new ApiException('NOT_FOUND', `Voiceprint ${voiceprintId} does not exist.`);
    return print;
  };
  const updated = (meetingId: number) =>
    emit('archive.changed', { reason: 'updated', meetingIds: [meetingId] });
  const log = <M extends VoiceMethod>(method: M, handler: Handlers[M]): Handlers[M] =>
    ((params: unknown, context: unknown) => {
      calls.push({ method, params });
      return (handler as (p: unknown, c: unknown) => unknown)(params, context);
    }) as Handlers[M];

  const handlers: FakeVoices['handlers'] = {
    'voiceprints.list': log('voiceprints.list', () => ({
      enabled: settings().voiceprintsEnabled,
      voiceprints: structuredClone(voiceprints),
    })),
    'voiceprints.save': log('voiceprints.save', ({ speakerId, name }) => {
      if (!settings().voiceprintsEnabled)
        throw new ApiException('INVALID_PARAMS', 'Remembering voices is turned off.', {
          reason: 'voiceprints-disabled',
        });
      const { detail } = findSpeaker(speakerId);
      const print: Voiceprint = {
        id: nextId++,
        name: name.trim(),
        modelId: 'campplus-192',
        createdAt: 1,
        speakerCount: 1,
      };
      voiceprints.push(print);
      const speaker = patchSpeaker(speakerId, { displayName: print.name, voiceprintId: print.id });
      updated(detail.meeting.id);
      emit('voiceprints.changed', { voiceprintIds: [print.id] });
      return { voiceprint: print, speaker };
    }),
    'voiceprints.rename': log('voiceprints.rename', ({ voiceprintId, name }) => {
      const print = printOf(voiceprintId);
      print.name = name.trim();
      emit('voiceprints.changed', { voiceprintIds: [voiceprintId] });
      return { ...print };
    }),
    'voiceprints.forget': log('voiceprints.forget', ({ voiceprintId }) => {
      printOf(voiceprintId);
      voiceprints.splice(
        voiceprints.findIndex((p) => p.id === voiceprintId),
        1,
      );
      for (const detail of meetings()) {
        if (!detail.speakers.some((s) => s.voiceprintId === voiceprintId)) continue;
        detail.speakers = detail.speakers.map((s) =>
          s.voiceprintId === voiceprintId ? { ...s, voiceprintId: null } : s,
        );
        updated(detail.meeting.id);
      }
      emit('voiceprints.changed', { voiceprintIds: [voiceprintId] });
      return { voiceprintId };
    }),
    'speakers.suggestions': log('speakers.suggestions', ({ meetingId }) => {
      if (!archive.get(meetingId))
        throw new ApiException('NOT_FOUND', `Meeting ${meetingId} does not exist.`);
      const value = suggestions.get(meetingId) ?? { suggestions: [], savable: [] };
      return settings().voiceprintsEnabled
        ? { enabled: true, ...structuredClone(value) }
        : { enabled: false, suggestions: [], savable: [...value.savable] };
    }),
    'speakers.acceptSuggestion': log('speakers.acceptSuggestion', ({ speakerId, voiceprintId }) => {
      const print = printOf(voiceprintId);
      const { detail } = findSpeaker(speakerId);
      const speaker = patchSpeaker(speakerId, { displayName: print.name, voiceprintId });
      const current = suggestions.get(detail.meeting.id);
      if (current) current.suggestions = current.suggestions.filter((s) => s.speakerId !== speakerId);
      updated(detail.meeting.id);
      return speaker;
    }),
    'speakers.merge': log('speakers.merge', ({ fromSpeakerId, intoSpeakerId }) => {
      const { detail } = findSpeaker(fromSpeakerId);
      const into = detail.speakers.find((s) => s.id === intoSpeakerId);
      if (!into) throw new ApiException('INVALID_PARAMS', 'Speakers of different meetings cannot be merged.');
      detail.speakers = detail.speakers.filter((s) => s.id !== fromSpeakerId);
      for (const segment of detail.segments)
        if (segment.speakerId === fromSpeakerId) segment.speakerId = intoSpeakerId;
      updated(detail.meeting.id);
      return { ...into };
    }),
    'speakers.split': log('speakers.split', ({ segmentIds, label }) => {
      const detail = meetings().find((d) => d.segments.some((s) => s.id === segmentIds[0]));
      if (!detail) throw new ApiException('NOT_FOUND', `Segment ${segmentIds[0]} does not exist.`);
      const from = detail.segments.find((s) => s.id === segmentIds[0])!.speakerId;
      const speaker: Speaker = {
        id: nextId++,
        meetingId: detail.meeting.id,
        label: label ?? `S${detail.speakers.length + 1}`,
        displayName: null,
        channel: detail.speakers.find((s) => s.id === from)?.channel ?? 'system',
        colour: null,
        voiceprintId: null,
      };
      detail.speakers.push(speaker);
      for (const segment of detail.segments)
        if (segmentIds.includes(segment.id)) segment.speakerId = speaker.id;
      updated(detail.meeting.id);
      return speaker;
    }),
    'meetings.emotions': log('meetings.emotions', ({ meetingId, binMs }) => {
      const detail = archive.get(meetingId);
      if (!detail) throw new ApiException('NOT_FOUND', `Meeting ${meetingId} does not exist.`);
      return emotions.get(meetingId) ?? { binMs: binMs ?? 60_000, speakers: [] };
    }),
  };

  const voices: FakeVoices = {
    handlers,
    voiceprints,
    setSuggestions: (meetingId, value) => suggestions.set(meetingId, structuredClone(value)),
    setEmotions: (meetingId, value) => emotions.set(meetingId, value),
    calls,
  };
  registry.set(archive, voices);
  return voices;
}
