import { StoreError } from '../errors';
import { rowId } from '../sql';
import { cleanLine, joinWords, locateWords, replaceWordInText, stripControlChars } from '../text';
import { CHANNELS, type Channel, type Segment, type SegmentWithWords, type Word } from '../types';
import { SEGMENT_COLUMNS, WORD_COLUMNS } from './columns';
import type { StoreContext } from './context';
import { logEdit } from './edits';
import { optionalScore, requireFound, requireRange } from './validate';

export interface NewWord {
  text: string;
  startMs: number;
  endMs: number;
  confidence?: number | null;
  /** Only imports of our own JSON carry these: a correction made before the export. */
  originalText?: string | null;
  reviewedAt?: number | null;
}

export interface NewSegment {
  meetingId: number;
  speakerId?: number | null;
  channel: Channel;
  startMs: number;
  endMs: number;
  /** Defaults to the words joined; give it when the recognizer's text has punctuation. */
  text?: string;
  language?: string | null;
  emotion?: string | null;
  emotionScore?: number | null;
  confidence?: number | null;
  revision?: number;
  /**
   * The streaming (draft) text this segment had before the final pass replaced it; give it only when
   * they differ. The review queue flags final words the draft did not have (main/store/review).
   */
  draftText?: string | null;
  words?: readonly NewWord[];
}

function normaliseEmotion(emotion: string | null | undefined): string | null {
  const clean = emotion == null ? '' : cleanLine(emotion).toLowerCase();
  return clean || null;
}

const INSERT_SEGMENT = `INSERT INTO segments (meeting_id, speaker_id, channel, start_ms, end_ms, text, language, emotion,
    emotion_score, confidence, min_word_confidence, revision, draft_text)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`;
const INSERT_WORD = `INSERT INTO words (segment_id, ord, text, start_ms, end_ms, confidence, original_text, reviewed_at)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;

/** Validated, cleaned words: empty words dropped, times checked. */
function cleanWords(input: readonly NewWord[] | undefined): NewWord[] {
  const words: NewWord[] = [];
  for (const w of input ?? []) {
    const text = stripControlChars(w.text).trim();
    if (!text) continue;
    const [startMs, endMs] = requireRange('A word', w.startMs, w.endMs);
    words.push({
      text,
      startMs,
      endMs,
      confidence: optionalScore('A word confidence', w.confidence),
      originalText: w.originalText ?? null,
      reviewedAt: w.reviewedAt ?? null,
    });
  }
  return words;
}

/**
 * Writes one final segment and its words in one transaction: a crash leaves the segment with all
 * its words or not at all, and the search index (trigger) is updated in the same commit. This is
 * the recorder's hot path and the bulk of an import, so it does its work in plain loops over
 * cached statements.
 */
export function insertFinalSegment(ctx: StoreContext, input: NewSegment): SegmentWithWords {
  if (!(CHANNELS as readonly string[]).includes(input.channel)) {
    throw new StoreError('INVALID', `Unknown channel "${input.channel}".`);
  }
  const [startMs, endMs] = requireRange('A segment', input.startMs, input.endMs);
  const newWords = cleanWords(input.words);
  const text = stripControlChars(input.text ?? joinWords(newWords.map((w) => w.text))).trim();
  const draftText = input.draftText == null ? null : cleanLine(input.draftText) || null;
  let minWordConfidence: number | null = null;
  for (const w of newWords) {
    const c = w.confidence ?? null;
    if (c !== null && w.reviewedAt === null && (minWordConfidence === null || c < minWordConfidence))
      minWordConfidence = c;
  }
  const segment: Segment = {
    id: 0,
    meetingId: input.meetingId,
    speakerId: input.speakerId ?? null,
    channel: input.channel,
    startMs,
    endMs,
    text,
    language: input.language ?? null,
    emotion: normaliseEmotion(input.emotion),
    emotionScore: optionalScore('emotionScore', input.emotionScore),
    confidence: optionalScore('confidence', input.confidence),
    minWordConfidence,
    revision: input.revision ?? 0,
  };
  const write = (): SegmentWithWords => {
    segment.id = rowId(
      ctx
        .sql(INSERT_SEGMENT)
        .run(
          segment.meetingId,
          segment.speakerId,
          segment.channel,
          segment.startMs,
          segment.endMs,
          segment.text,
          segment.language,
          segment.emotion,
          segment.emotionScore,
          segment.confidence,
          segment.minWordConfidence,
          segment.revision,
          draftText === text ? null : draftText,
        ).lastInsertRowid,
    );
    const insertWord = ctx.sql(INSERT_WORD);
    const words: Word[] = new Array<Word>(newWords.length);
    for (let ord = 0; ord < newWords.length; ord += 1) {
      const w = newWords[ord] as NewWord;
      const confidence = w.confidence ?? null;
      const originalText = w.originalText ?? null;
      const reviewedAt = w.reviewedAt ?? null;
      insertWord.run(segment.id, ord, w.text, w.startMs, w.endMs, confidence, originalText, reviewedAt);
      words[ord] = {
        segmentId: segment.id,
        ord,
        text: w.text,
        startMs: w.startMs,
        endMs: w.endMs,
        confidence,
        originalText,
        reviewedAt,
      };
    }
    return { ...segment, words };
  };
  try {
    // Inside a caller's transaction (an import) the caller's commit or rollback covers this
    // segment, so no savepoint per segment. Everything that can be rejected is checked before or
    // at the first write (the segment row), so nothing fails half-way through the words.
    return ctx.db.inTransaction ? write() : ctx.db.transaction(write)();
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY') {
      throw new StoreError(
        'NOT_FOUND',
        `Meeting ${input.meetingId} or speaker ${input.speakerId} does not exist.`,
      );
    }
    if (code === 'SQLITE_CONSTRAINT_TRIGGER') throw new StoreError('INVALID', (error as Error).message);
    throw error;
  }
}

export function getSegment(ctx: StoreContext, id: number): SegmentWithWords | null {
  const segment = ctx.sql<Segment>(`SELECT ${SEGMENT_COLUMNS} FROM segments s WHERE s.id = ?`).get(id);
  if (!segment) return null;
  return { ...segment, words: segmentWords(ctx, id) };
}

function segmentWords(ctx: StoreContext, segmentId: number): Word[] {
  return ctx
    .sql<Word>(`SELECT ${WORD_COLUMNS} FROM words w WHERE w.segment_id = ? ORDER BY w.ord`)
    .all(segmentId);
}

/** A meeting's transcript in time order, each segment with its words. */
export function listSegments(ctx: StoreContext, meetingId: number): SegmentWithWords[] {
  const segments = ctx
    .sql<Segment>(
      `SELECT ${SEGMENT_COLUMNS} FROM segments s WHERE s.meeting_id = ? ORDER BY s.start_ms, s.id`,
    )
    .all(meetingId);
  const bySegment = new Map<number, Word[]>();
  const words = ctx
    .sql<Word>(
      `SELECT ${WORD_COLUMNS} FROM segments s JOIN words w ON w.segment_id = s.id
       WHERE s.meeting_id = ? ORDER BY w.segment_id, w.ord`,
    )
    .all(meetingId);
  for (const word of words) {
    let list = bySegment.get(word.segmentId);
    if (!list) bySegment.set(word.segmentId, (list = []));
    list.push(word);
  }
  return segments.map((s) => ({ ...s, words: bySegment.get(s.id) ?? [] }));
}

export function getWord(ctx: StoreContext, segmentId: number, ord: number): Word | null {
  return (
    ctx
      .sql<Word>(`SELECT ${WORD_COLUMNS} FROM words w WHERE w.segment_id = ? AND w.ord = ?`)
      .get(segmentId, ord) ?? null
  );
}

/**
 * The user corrects a word: the recognizer's text is kept in original_text (the first time), the
 * word is marked reviewed, the segment text is rewritten around it (search index follows through
 * the trigger) and the edit is logged. Correcting a word to its current text just accepts it.
 */
export function correctWord(
  ctx: StoreContext,
  segmentId: number,
  ord: number,
  text: string,
): SegmentWithWords {
  const next = cleanLine(text);
  if (!next) throw new StoreError('INVALID', 'A corrected word cannot be empty.');
  return ctx.db.transaction(() => {
    const segment = requireFound(getSegment(ctx, segmentId), `Segment ${segmentId}`);
    const word = requireFound(
      segment.words.find((w) => w.ord === ord),
      `Word ${ord} of segment ${segmentId}`,
    );
    const now = ctx.now();
    if (next === word.text) {
      markReviewed(ctx, word, segment.meetingId, now);
    } else {
      const segmentText = replaceWordInText(
        segment.text,
        segment.words.map((w) => w.text),
        segment.words.indexOf(word),
        next,
      );
      ctx
        .sql(
          `UPDATE words SET text = ?, original_text = coalesce(original_text, text), reviewed_at = ?
           WHERE segment_id = ? AND ord = ?`,
        )
        .run(next, now, segmentId, ord);
      ctx
        .sql('UPDATE segments SET text = ?, revision = revision + 1 WHERE id = ?')
        .run(segmentText, segment.id);
      logEdit(ctx, {
        meetingId: segment.meetingId,
        table: 'segments',
        rowId: segmentId,
        field: `word[${ord}]`,
        oldValue: word.text,
        newValue: next,
      });
    }
    return requireFound(getSegment(ctx, segment.id), `Segment ${segment.id}`);
  })();
}

/** The user confirms a flagged word is right: it stops counting as low confidence. */
export function acceptWord(ctx: StoreContext, segmentId: number, ord: number): Word {
  return ctx.db.transaction(() => {
    const word = requireFound(getWord(ctx, segmentId, ord), `Word ${ord} of segment ${segmentId}`);
    const meetingId =
      ctx.sql<{ m: number }>('SELECT meeting_id AS m FROM segments WHERE id = ?').get(segmentId)?.m ?? null;
    markReviewed(ctx, word, meetingId, ctx.now());
    return requireFound(getWord(ctx, segmentId, ord), `Word ${ord} of segment ${segmentId}`);
  })();
}

/** Edits of words are logged against their segment, the field naming the word: "word[3]". */
function markReviewed(ctx: StoreContext, word: Word, meetingId: number | null, now: number): void {
  if (word.reviewedAt !== null) return;
  ctx
    .sql('UPDATE words SET reviewed_at = ? WHERE segment_id = ? AND ord = ?')
    .run(now, word.segmentId, word.ord);
  logEdit(ctx, {
    meetingId,
    table: 'segments',
    rowId: word.segmentId,
    field: `word[${word.ord}].reviewed_at`,
    oldValue: null,
    newValue: now,
  });
}

/**
 * The user replaces a run of consecutive words with a different number of words ("recog nice" ->
 * "recognise"). The run's time is shared evenly by the new words; they are marked reviewed, carry no
 * confidence (a person typed them), and the first one keeps the run's original text (the others have
 * none: they did not exist). Later words are renumbered, so `ord` stays 0..n-1. Same word count: use
 * correctWord per word, which keeps each word's timing and confidence.
 */
export function replaceWords(
  ctx: StoreContext,
  segmentId: number,
  ords: readonly number[],
  replacement: readonly string[],
): SegmentWithWords {
  const next = replacement.map(cleanLine).filter(Boolean);
  if (next.length === 0) throw new StoreError('INVALID', 'A correction cannot be empty.');
  return ctx.db.transaction(() => {
    const segment = requireFound(getSegment(ctx, segmentId), `Segment ${segmentId}`);
    const first = segment.words.findIndex((w) => w.ord === ords[0]);
    const last = first + ords.length - 1;
    if (first < 0 || ords.some((ord, i) => segment.words[first + i]?.ord !== ord)) {
      throw new StoreError('INVALID', `Words ${ords.join(', ')} are not a run of segment ${segmentId}.`);
    }
    const run = segment.words.slice(first, last + 1);
    const startMs = run[0]!.startMs;
    const endMs = Math.max(startMs, run.at(-1)!.endMs);
    const step = (endMs - startMs) / next.length;
    const now = ctx.now();
    const original = joinWords(run.map((w) => w.originalText ?? w.text));
    const replaced: Word[] = next.map((text, i) => ({
      segmentId,
      ord: 0,
      text,
      startMs: Math.round(startMs + i * step),
      endMs: i === next.length - 1 ? endMs : Math.round(startMs + (i + 1) * step),
      confidence: null,
      originalText: i === 0 ? original : null,
      reviewedAt: now,
    }));
    const words = [...segment.words.slice(0, first), ...replaced, ...segment.words.slice(last + 1)].map(
      (w, ord) => ({ ...w, ord }),
    );
    const located = locateWords(
      segment.text,
      segment.words.map((w) => w.text),
    );
    const from = located[first];
    const to = located[last];
    const text =
      from && to
        ? segment.text.slice(0, from[0]) + joinWords(next) + segment.text.slice(to[1])
        : joinWords(words.map((w) => w.text));
    writeWords(ctx, segmentId, words, first);
    ctx.sql('UPDATE segments SET text = ?, revision = revision + 1 WHERE id = ?').run(text, segmentId);
    refreshMinWordConfidence(ctx, segmentId);
    logEdit(ctx, {
      meetingId: segment.meetingId,
      table: 'segments',
      rowId: segmentId,
      field: `words[${ords[0]}..${ords.at(-1)}]`,
      oldValue: joinWords(run.map((w) => w.text)),
      newValue: joinWords(next),
    });
    return requireFound(getSegment(ctx, segmentId), `Segment ${segmentId}`);
  })();
}

/** Rewrites a segment's words from position `from` on (the rows before it are unchanged). */
export function writeWords(ctx: StoreContext, segmentId: number, words: readonly Word[], from = 0): void {
  ctx.sql('DELETE FROM words WHERE segment_id = ? AND ord >= ?').run(segmentId, from);
  const insert = ctx.sql(INSERT_WORD);
  for (const w of words) {
    if (w.ord < from) continue;
    insert.run(segmentId, w.ord, w.text, w.startMs, w.endMs, w.confidence, w.originalText, w.reviewedAt);
  }
}

/** The words_review trigger covers updates only; inserts and deletes of words call this. */
export function refreshMinWordConfidence(ctx: StoreContext, segmentId: number): void {
  ctx
    .sql(
      `UPDATE segments SET min_word_confidence =
         (SELECT min(confidence) FROM words WHERE segment_id = ? AND reviewed_at IS NULL)
       WHERE id = ?`,
    )
    .run(segmentId, segmentId);
}

/** The user reassigns one segment to another speaker of the same meeting (or to nobody). */
export function setSegmentSpeaker(ctx: StoreContext, segmentId: number, speakerId: number | null): Segment {
  return ctx.db.transaction(() => {
    const segment = requireFound(getSegment(ctx, segmentId), `Segment ${segmentId}`);
    if (segment.speakerId === speakerId) return segment;
    try {
      ctx.sql('UPDATE segments SET speaker_id = ? WHERE id = ?').run(speakerId, segmentId);
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code === 'SQLITE_CONSTRAINT_TRIGGER') throw new StoreError('INVALID', (error as Error).message);
      if (code === 'SQLITE_CONSTRAINT_FOREIGNKEY')
        throw new StoreError('NOT_FOUND', `Speaker ${speakerId} does not exist.`);
      throw error;
    }
    logEdit(ctx, {
      meetingId: segment.meetingId,
      table: 'segments',
      rowId: segmentId,
      field: 'speaker_id',
      oldValue: segment.speakerId,
      newValue: speakerId,
    });
    return requireFound(getSegment(ctx, segmentId), `Segment ${segmentId}`);
  })();
}
