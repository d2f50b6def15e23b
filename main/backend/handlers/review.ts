import { ApiException, type reviewMethods } from '../../api';
import { fold } from '../../store/text';
import type { BackendContext } from '../context';
import type { Handler } from '../server';
import { guarded } from './store-errors';

export type ReviewHandlers = { [M in keyof typeof reviewMethods]: Handler<M> };

const sameWord = (a: string, b: string) => fold(a.trim()) === fold(b.trim());

/**
 * The review queue over the archive (main/store/review), with the user's threshold and vocabulary from
 * the settings. Vocabulary additions go through the settings store (ctx.settings.update) and are
 * journalled in the archive so "undo" reverses them in turn with the transcript edits.
 */
export function reviewHandlers(ctx: BackendContext): ReviewHandlers {
  const changed = (meetingIds: (number | null)[]) => {
    const ids = [...new Set(meetingIds.filter((id): id is number => id !== null))];
    if (ids.length > 0) ctx.emit('archive.changed', { reason: 'updated', meetingIds: ids });
  };
  const updateSettings = async (vocabulary: string[]) => {
    if (!ctx.settings.update) throw new ApiException('INTERNAL', 'The settings cannot be written here.');
    const next = await ctx.settings.update({ vocabulary });
    ctx.emit('settings.changed', next);
    return next;
  };

  return {
    'review.queue': ({ meetingId, limit, offset }) =>
      guarded(() => {
        if (meetingId !== undefined && !ctx.store.meetings.get(meetingId)) {
          throw new ApiException('NOT_FOUND', `Meeting ${meetingId} does not exist.`);
        }
        const settings = ctx.settings.get();
        return ctx.store.review.queue({
          meetingId,
          limit: limit ?? 50,
          offset: offset ?? 0,
          threshold: settings.confidenceThreshold,
          vocabulary: settings.vocabulary,
        });
      }),
    'review.accept': ({ segmentId, ords }) =>
      guarded(() => {
        const change = ctx.store.review.accept(segmentId, ords);
        if (change.words > 0) changed([change.meetingId]);
        return { ...change, meetingId: change.meetingId as number };
      }),
    'review.correct': ({ segmentId, ords, text }) =>
      guarded(() => {
        const change = ctx.store.review.correct(segmentId, ords, text);
        changed([change.meetingId]);
        return { ...change, meetingId: change.meetingId as number };
      }),
    'review.fixAll': ({ meetingId, from, to }) =>
      guarded(() => {
        const change = ctx.store.review.fixAll(meetingId, from, to);
        if (change.words > 0) changed([meetingId]);
        return { ...change, meetingId };
      }),
    'review.undo': async () => {
      const result = guarded(() => ctx.store.review.undo());
      if (!result) return { undone: false, kind: null, meetingIds: [], word: null };
      if (result.kind === 'vocabulary' && result.word !== null) {
        const word = result.word;
        await updateSettings(ctx.settings.get().vocabulary.filter((w) => !sameWord(w, word)));
      }
      changed([result.meetingId]);
      return {
        undone: true,
        kind: result.kind,
        meetingIds: result.meetingId === null ? [] : [result.meetingId],
        word: result.word,
      };
    },
    'review.addToVocabulary': async ({ word }) => {
      const vocabulary = ctx.settings.get().vocabulary;
      if (vocabulary.some((w) => sameWord(w, word))) return { added: false, vocabulary };
      const next = await updateSettings([...vocabulary, word]);
      guarded(() => ctx.store.review.recordVocabularyAddition(word));
      return { added: true, vocabulary: next.vocabulary };
    },
  };
}
