/**
 * An in-memory archive behind the real protocol server, for renderer tests. It keeps the contract's
 * shapes and change events; search is a plain substring match (the real query language is tested in
 * test/unit/store), and tests can take search over to control timing and snippets.
 */
import {
  ApiException,
  HIGHLIGHT_END,
  HIGHLIGHT_START,
  type ImportResult,
  type MeetingDetail,
  type Note,
  type SearchHit,
  type SearchParams,
  type SearchResult,
  type Segment,
  type Speaker,
} from '../../main/api';
import type { archiveMethods } from '../../main/api';
import type { Handlers } from '../../main/backend/server';

type ArchiveMethod = keyof typeof archiveMethods;

export interface NewSegment {
  speaker: number;
  startMs: number;
  endMs?: number;
  text: string;
  emotion?: string | null;
  /** Per-word confidences; when given, the segment gets words (split on spaces). */
  confidences?: (number | null)[];
}

export interface NewMeeting {
  title: string;
  startedAt?: number;
  status?: MeetingDetail['meeting']['status'];
  speakers: string[];
  segments: NewSegment[];
}

export interface FakeArchive {
  handlers: { [M in ArchiveMethod]: Handlers[M] };
  add(meeting: NewMeeting): MeetingDetail;
  get(meetingId: number): MeetingDetail | undefined;
  /** Replaces search.query; return value (or promise) is the reply. */
  onSearch(handler: ((params: SearchParams) => SearchResult | Promise<SearchResult>) | null): void;
  /** Every search.query's params as received. */
  searches: SearchParams[];
  exports: { meetingId: number; format: string; options: unknown }[];
}

export function createFakeArchive(
  emit: (reason: 'imported' | 'updated' | 'deleted', ids: number[]) => void,
): FakeArchive {
  const meetings = new Map<number, MeetingDetail>();
  let nextId = 1;
  const id = () => nextId++;
  let searchOverride: ((params: SearchParams) => SearchResult | Promise<SearchResult>) | null = null;
  const searches: SearchParams[] = [];
  const exports: FakeArchive['exports'] = [];

  const detailOf = (meetingId: number): MeetingDetail => {
    const detail = meetings.get(meetingId);
    if (!detail) throw new ApiException('NOT_FOUND', `Meeting ${meetingId} does not exist.`);
    return detail;
  };

  function add(input: NewMeeting): MeetingDetail {
    const meetingId = id();
    const startedAt = input.startedAt ?? Date.UTC(2026, 10, 20, 9, 30);
    const speakers: Speaker[] = input.speakers.map((label) => ({
      id: id(),
      meetingId,
      label,
      displayName: null,
      channel: 'mic',
      colour: null,
      voiceprintId: null,
    }));
    const segments: Segment[] = input.segments.map((s) => {
      const segmentId = id();
      const endMs = s.endMs ?? s.startMs + 2000;
      const words = s.confidences
        ? s.text.split(' ').map((text, ord) => ({
            segmentId,
            ord,
            text,
            startMs: s.startMs,
            endMs,
            confidence: s.confidences?.[ord] ?? null,
            originalText: null,
            reviewedAt: null,
          }))
        : [];
      return {
        id: segmentId,
        meetingId,
        speakerId: speakers[s.speaker]?.id ?? null,
        channel: 'mic',
        startMs: s.startMs,
        endMs,
        text: s.text,
        language: 'en',
        emotion: s.emotion ?? null,
        emotionScore: s.emotion ? 0.8 : null,
        confidence: null,
        minWordConfidence: null,
        revision: 1,
        words,
      };
    });
    const durationMs = segments.reduce((max, s) => Math.max(max, s.endMs), 0);
    const detail: MeetingDetail = {
      meeting: {
        id: meetingId,
        title: input.title,
        startedAt,
        endedAt: startedAt + durationMs,
        status: input.status ?? 'done',
        durationMs,
        language: 'en',
        audioDir: null,
        createdAt: startedAt,
        updatedAt: startedAt,
      },
      speakers,
      segments,
      notes: [],
    };
    meetings.set(meetingId, detail);
    return detail;
  }

  function search(params: SearchParams): SearchResult {
    const query = (params.query ?? '').trim();
    if ((query.match(/"/g) ?? []).length % 2 === 1) {
      return { ok: false, message: 'Close the quote: a phrase needs a " at both ends.' };
    }
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    const hits: SearchHit[] = [];
    const ordered = [...meetings.values()].sort((a, b) => b.meeting.startedAt - a.meeting.startedAt);
    for (const { meeting, speakers, segments } of ordered) {
      for (const segment of segments) {
        const text = segment.text.toLowerCase();
        if (!words.every((w) => text.includes(w))) continue;
        const speaker = speakers.find((s) => s.id === segment.speakerId);
        hits.push({
          kind: 'segment',
          id: segment.id,
          meetingId: meeting.id,
          meetingTitle: meeting.title,
          meetingStartedAt: meeting.startedAt,
          startMs: segment.startMs,
          endMs: segment.endMs,
          speakerId: segment.speakerId,
          speakerName: speaker ? (speaker.displayName ?? speaker.label) : null,
          emotion: segment.emotion,
          snippet: mark(segment.text, words),
          rank: -1,
        });
      }
    }
    const offset = params.offset ?? 0;
    const limit = params.limit ?? 50;
    return {
      ok: true,
      hits: hits.slice(offset, offset + limit),
      notes: [],
      hasMore: hits.length > offset + limit,
      order: 'rank',
      ignored: [],
    };
  }

  const handlers: FakeArchive['handlers'] = {
    'meetings.list': ({ limit = 50, offset = 0 }) => {
      const all = [...meetings.values()].sort((a, b) => b.meeting.startedAt - a.meeting.startedAt);
      return {
        meetings: all.slice(offset, offset + limit).map((d) => ({
          ...d.meeting,
          speakerCount: d.speakers.length,
          segmentCount: d.segments.length,
        })),
        total: all.length,
      };
    },
    'meetings.get': ({ meetingId }) => structuredClone(detailOf(meetingId)),
    'meetings.rename': ({ meetingId, title }) => {
      const detail = detailOf(meetingId);
      detail.meeting = { ...detail.meeting, title };
      emit('updated', [meetingId]);
      return detail.meeting;
    },
    'meetings.delete': ({ meetingId }) => {
      detailOf(meetingId);
      meetings.delete(meetingId);
      emit('deleted', [meetingId]);
      return { meetingId };
    },
    'speakers.rename': ({ speakerId, displayName }) => {
      for (const detail of meetings.values()) {
        const index = detail.speakers.findIndex((s) => s.id === speakerId);
        if (index < 0) continue;
        const speaker = { ...detail.speakers[index]!, displayName };
        detail.speakers[index] = speaker;
        emit('updated', [detail.meeting.id]);
        return speaker;
      }
      throw new ApiException('NOT_FOUND', `Speaker ${speakerId} does not exist.`);
    },
    'notes.add': ({ meetingId, atMs, kind, text }) => {
      const detail = detailOf(meetingId);
      const note: Note = { id: id(), meetingId, atMs, kind, text, createdAt: 1, updatedAt: 1 };
      detail.notes.push(note);
      emit('updated', [meetingId]);
      return note;
    },
    'notes.update': ({ noteId, text }) => {
      for (const detail of meetings.values()) {
        const note = detail.notes.find((n) => n.id === noteId);
        if (!note) continue;
        note.text = text;
        emit('updated', [detail.meeting.id]);
        return note;
      }
      throw new ApiException('NOT_FOUND', `Note ${noteId} does not exist.`);
    },
    'notes.delete': ({ noteId }) => {
      for (const detail of meetings.values()) {
        const before = detail.notes.length;
        detail.notes = detail.notes.filter((n) => n.id !== noteId);
        if (detail.notes.length === before) continue;
        emit('updated', [detail.meeting.id]);
        return { noteId };
      }
      throw new ApiException('NOT_FOUND', `Note ${noteId} does not exist.`);
    },
    'search.query': (params) => {
      searches.push(params);
      return searchOverride ? searchOverride(params) : search(params);
    },
    'archive.import': ({ files }) => {
      const results: ImportResult[] = files.map(({ name, text }) => {
        const lines = text.split('\n');
        if (lines[0]?.trim() !== 'WEBVTT') {
          return { name, ok: false, message: 'Missing the WEBVTT header.', line: 1 };
        }
        const cues = lines.slice(1).filter((line) => line.trim() !== '' && !line.includes('-->'));
        const detail = add({
          title: name.replace(/\.[^.]+$/, ''),
          speakers: ['Speaker 1'],
          segments: cues.map((text, index) => ({ speaker: 0, startMs: index * 2000, text })),
        });
        return {
          name,
          ok: true,
          meetingId: detail.meeting.id,
          title: detail.meeting.title,
          segments: cues.length,
        };
      });
      const imported = results.flatMap((r) => (r.ok ? [r.meetingId] : []));
      if (imported.length > 0) emit('imported', imported);
      return { results };
    },
    'archive.export': ({ meetingId, format, options }) => {
      const detail = detailOf(meetingId);
      exports.push({ meetingId, format, options });
      return {
        fileName: `${detail.meeting.title}.md`,
        mimeType: 'text/markdown; charset=utf-8',
        content: `# ${detail.meeting.title}\n`,
      };
    },
  };

  return {
    handlers,
    add,
    get: (meetingId) => meetings.get(meetingId),
    onSearch(handler) {
      searchOverride = handler;
    },
    searches,
    exports,
  };
}

function mark(text: string, words: string[]): string {
  if (words.length === 0) return text;
  const pattern = new RegExp(
    `(${words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`,
    'gi',
  );
  return text.replace(pattern, `${HIGHLIGHT_START}$1${HIGHLIGHT_END}`);
}
