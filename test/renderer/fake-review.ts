/**
 * The review methods for renderer tests, over the fake archive's meetings (their words and
 * confidences). Ranking here is deliberately simple (unreviewed words under the threshold, runs of
 * them, most likely wrong first by 1 - Π confidence); the real ranking and its signals are tested in
 * test/unit/store/review*.test.ts. Actions change the fake archive's segments, so meetings.get and
 * search.query see the edits; undo restores snapshots, a fix-all in one step.
 */
import {
  ApiException,
  type MeetingDetail,
  type ReviewItem,
  type Segment,
  type SettingsPatch,
} from '../../main/api';
import type { BackendServer, Handlers } from '../../main/backend/server';
import type { FakeArchive } from './fake-archive';

type ReviewMethod = Extract<keyof Handlers, `review.${string}`>;

export interface FakeReview {
  handlers: { [M in ReviewMethod]: Handlers[M] };
}

type Action =
  | { kind: 'accept' | 'correct' | 'fix-all'; meetingId: number; before: Segment[] }
  | { kind: 'vocabulary'; word: string };

const call = { signal: new AbortController().signal };
const fold = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '');

export function createFakeReview(
  archive: FakeArchive,
  handlers: () => Handlers,
  server: () => BackendServer,
): FakeReview {
  const undoStack: Action[] = [];

  const settings = async () => handlers()['settings.get']({}, call);
  const saveSettings = async (patch: SettingsPatch) => handlers()['settings.set'](patch, call);
  const changed = (meetingId: number) =>
    server().emit('archive.changed', { reason: 'updated', meetingIds: [meetingId] });

  async function meetings(): Promise<MeetingDetail[]> {
    const list = await handlers()['meetings.list']({ limit: 500, offset: 0 }, call);
    return list.meetings.flatMap((m) => archive.get(m.id) ?? []);
  }

  async function locate(segmentId: number, ords: readonly number[]) {
    for (const detail of await meetings()) {
      const segment = detail.segments.find((s) => s.id === segmentId);
      if (!segment) continue;
      const first = segment.words.findIndex((w) => w.ord === ords[0]);
      if (first < 0 || ords.some((ord, i) => segment.words[first + i]?.ord !== ord)) {
        throw new ApiException(
          'INVALID_PARAMS',
          `Words ${ords.join(', ')} are not a run of segment ${segmentId}.`,
        );
      }
      return { detail, segment };
    }
    throw new ApiException('NOT_FOUND', `Segment ${segmentId} does not exist.`);
  }

  const retext = (segment: Segment) => {
    segment.text = segment.words.map((w) => w.text).join(' ');
    segment.revision += 1;
  };

  const reviewHandlers: FakeReview['handlers'] = {
    'review.queue': async (params) => {
      const { confidenceThreshold: threshold } = await settings();
      const spans: ReviewItem[] = [];
      let reviewed = 0;
      for (const detail of await meetings()) {
        if (params.meetingId !== undefined && detail.meeting.id !== params.meetingId) continue;
        for (const segment of detail.segments) {
          const speaker = detail.speakers.find((s) => s.id === segment.speakerId) ?? null;
          let run: typeof segment.words = [];
          const close = (end: number) => {
            if (run.length === 0) return;
            const first = segment.words.indexOf(run[0]!);
            spans.push({
              id: `${segment.id}:${run[0]!.ord}-${run.at(-1)!.ord}`,
              meetingId: detail.meeting.id,
              meetingTitle: detail.meeting.title,
              segmentId: segment.id,
              channel: segment.channel,
              ords: run.map((w) => w.ord),
              words: run.map((w) => ({ ord: w.ord, text: w.text, confidence: w.confidence })),
              text: run.map((w) => w.text).join(' '),
              before: segment.words
                .slice(Math.max(0, first - 4), first)
                .map((w) => w.text)
                .join(' '),
              after: segment.words
                .slice(end, end + 4)
                .map((w) => w.text)
                .join(' '),
              startMs: run[0]!.startMs,
              endMs: run.at(-1)!.endMs,
              score: 1 - run.reduce((keep, w) => keep * (w.confidence ?? 1), 1),
              reasons: ['low-confidence'],
              confidence: Math.min(...run.map((w) => w.confidence ?? 1)),
              speakerId: segment.speakerId,
              speaker: speaker ? (speaker.displayName ?? speaker.label) : null,
              draftText: null,
            });
            run = [];
          };
          segment.words.forEach((w, i) => {
            if (w.reviewedAt !== null) reviewed += 1;
            if (w.reviewedAt === null && w.confidence !== null && w.confidence < threshold) run.push(w);
            else close(i);
          });
          close(segment.words.length);
        }
      }
      spans.sort((a, b) => b.score - a.score || a.meetingId - b.meetingId || a.startMs - b.startMs);
      const offset = params.offset ?? 0;
      return {
        items: spans.slice(offset, offset + (params.limit ?? 50)),
        total: spans.length,
        reviewed,
        remaining: spans.reduce((n, s) => n + s.ords.length, 0),
        capped: false,
      };
    },
    'review.accept': async ({ segmentId, ords }) => {
      const { detail, segment } = await locate(segmentId, ords);
      undoStack.push({ kind: 'accept', meetingId: detail.meeting.id, before: [structuredClone(segment)] });
      for (const w of segment.words) if (ords.includes(w.ord)) w.reviewedAt ??= Date.now();
      changed(detail.meeting.id);
      return { meetingId: detail.meeting.id, segmentIds: [segmentId], words: ords.length };
    },
    'review.correct': async ({ segmentId, ords, text }) => {
      const { detail, segment } = await locate(segmentId, ords);
      undoStack.push({ kind: 'correct', meetingId: detail.meeting.id, before: [structuredClone(segment)] });
      const first = segment.words.findIndex((w) => w.ord === ords[0]);
      const run = segment.words.slice(first, first + ords.length);
      const next = text.split(/\s+/).filter(Boolean);
      const replaced = next.map((t, i) => ({
        ...run[0]!,
        text: t,
        originalText: i === 0 ? run.map((w) => w.originalText ?? w.text).join(' ') : null,
        reviewedAt: Date.now(),
      }));
      segment.words.splice(first, run.length, ...replaced);
      segment.words.forEach((w, ord) => (w.ord = ord));
      retext(segment);
      changed(detail.meeting.id);
      return { meetingId: detail.meeting.id, segmentIds: [segmentId], words: ords.length };
    },
    'review.fixAll': ({ meetingId, from, to }) => {
      const detail = archive.get(meetingId);
      if (!detail) throw new ApiException('NOT_FOUND', `Meeting ${meetingId} does not exist.`);
      const touched = detail.segments.filter((s) => s.words.some((w) => fold(w.text) === fold(from)));
      undoStack.push({ kind: 'fix-all', meetingId, before: touched.map((s) => structuredClone(s)) });
      let words = 0;
      for (const segment of touched) {
        for (const w of segment.words) {
          if (fold(w.text) !== fold(from)) continue;
          w.originalText ??= w.text;
          w.text = to;
          w.reviewedAt = Date.now();
          words += 1;
        }
        retext(segment);
      }
      if (words > 0) changed(meetingId);
      return { meetingId, segmentIds: touched.map((s) => s.id), words };
    },
    'review.undo': async () => {
      const action = undoStack.pop();
      if (!action) return { undone: false, kind: null, meetingIds: [], word: null };
      if (action.kind === 'vocabulary') {
        const { vocabulary } = await settings();
        await saveSettings({ vocabulary: vocabulary.filter((w) => w !== action.word) });
        return { undone: true, kind: 'vocabulary', meetingIds: [], word: action.word };
      }
      const detail = archive.get(action.meetingId);
      if (detail) {
        detail.segments = detail.segments.map((s) => action.before.find((b) => b.id === s.id) ?? s);
        changed(action.meetingId);
      }
      return { undone: true, kind: action.kind, meetingIds: [action.meetingId], word: null };
    },
    'review.addToVocabulary': async ({ word }) => {
      const { vocabulary } = await settings();
      if (vocabulary.some((w) => fold(w) === fold(word))) return { added: false, vocabulary };
      const next = await saveSettings({ vocabulary: [...vocabulary, word] });
      undoStack.push({ kind: 'vocabulary', word });
      return { added: true, vocabulary: next.vocabulary };
    },
  };

  return { handlers: reviewHandlers };
}
