/**
 * The live captions of one meeting as a pure reducer over the transcript events (main/api/transcript.ts).
 *
 *  - Committed lines are finals: the archive already holds them, so a later partial never touches them;
 *    only the user (an edit, a rename) changes one.
 *  - Each channel has at most one provisional tail: its current partial. The final with the same
 *    segmentKey replaces it; an echo-dropped event removes it.
 *  - Lines are shown in start order; a tail sits where its final will land, so committing it does not
 *    make the text jump.
 *
 * Cost at 10,000 segments: a partial only swaps a tail (O(1)); a final is appended in place to an array
 * shared by successive states (each state remembers its own `count`, so an older state still sees exactly
 * its own lines); only a final that starts before the last committed line, an edit, or reducing an older
 * state copies the array (O(n) pointer copy, rare by construction). Nothing here touches the DOM.
 */
import type {
  Segment,
  Speaker,
  TranscriptEchoDropped,
  TranscriptFinal,
  TranscriptLag,
  TranscriptPartial,
  TranscriptStatus,
} from '../../../main/api';

type Channel = Segment['channel'];

export interface CaptionWord {
  text: string;
  startMs: number;
  endMs: number;
  confidence: number | null;
}

export interface CaptionLine {
  /** The segmentKey of a live line, `segment:<id>` for a line loaded from the archive. */
  key: string;
  /**
   * Unique among the rows, and different for the partial and the final of one segment: the list's row
   * key, so a committed line is a new node (which a log region announces) rather than an edited one.
   * Built once here: the virtualizer asks for every row's key whenever the layout changes.
   */
  rowKey: string;
  channel: Channel;
  startMs: number;
  endMs: number;
  text: string;
  words: readonly CaptionWord[];
  /** The archive's segment and speaker (null while provisional). */
  segmentId: number | null;
  speakerId: number | null;
  emotion: string | null;
  provisional: boolean;
}

export interface CaptionSpeaker {
  id: number;
  label: string;
  displayName: string | null;
  /** Palette slot (0-7) by order of first appearance in this meeting: stable, no collisions up to 8. */
  colour: number;
}

export interface CaptionsState {
  meetingId: number | null;
  /** Committed lines in start order; may hold lines appended by later states beyond `count`. */
  readonly committed: CaptionLine[];
  count: number;
  tails: Readonly<Record<Channel, CaptionLine | null>>;
  speakers: ReadonlyMap<number, CaptionSpeaker>;
  /** Bumped whenever the lines (or how they are named) change; status and lag do not bump it. */
  version: number;
  /**
   * Bumped when which line sits at which row changes (a line added, removed, committed or moved), not
   * when a partial only grows its text: the list re-derives its row keys (O(n)) only then.
   */
  layout: number;
  status: TranscriptStatus | null;
  lag: Readonly<Record<Channel, TranscriptLag | null>>;
}

export type CaptionsAction =
  | { type: 'transcript.partial'; event: TranscriptPartial }
  | { type: 'transcript.final'; event: TranscriptFinal }
  | { type: 'transcript.echo-dropped'; event: TranscriptEchoDropped }
  | { type: 'transcript.status'; event: TranscriptStatus }
  | { type: 'transcript.lag'; event: TranscriptLag }
  /** What the archive already holds of a running meeting (a window opened or reloaded mid-meeting). */
  | { type: 'loaded'; meetingId: number; segments: readonly Segment[]; speakers: readonly Speaker[] }
  /** The user edited a committed segment (or it was re-read from the archive). */
  | { type: 'segment-updated'; segment: Segment }
  | { type: 'speaker-updated'; speaker: Pick<Speaker, 'id' | 'label' | 'displayName'> }
  /** A session started: its captions begin empty even before the first event arrives. */
  | { type: 'meeting'; meetingId: number }
  | { type: 'reset' };

export const PALETTE_SIZE = 8;

export const EMPTY_CAPTIONS: CaptionsState = {
  meetingId: null,
  committed: [],
  count: 0,
  tails: { mic: null, system: null },
  speakers: new Map(),
  version: 0,
  layout: 0,
  status: null,
  lag: { mic: null, system: null },
};

function fresh(meetingId: number | null, version: number): CaptionsState {
  const next = version + 1;
  return { ...EMPTY_CAPTIONS, committed: [], speakers: new Map(), meetingId, version: next, layout: next };
}

/** Events of another meeting start a new caption list: one session runs at a time. */
function forMeeting(state: CaptionsState, meetingId: number): CaptionsState {
  return state.meetingId === meetingId ? state : fresh(meetingId, state.version);
}

export function reduceCaptions(state: CaptionsState, action: CaptionsAction): CaptionsState {
  switch (action.type) {
    case 'transcript.partial': {
      const e = action.event;
      const s = forMeeting(state, e.meetingId);
      const line: CaptionLine = {
        key: e.segmentKey,
        rowKey: `p:${e.segmentKey}`,
        channel: e.channel,
        startMs: e.startMs,
        endMs: e.words.at(-1)?.endMs ?? e.captureMs,
        text: e.text,
        words: e.words,
        segmentId: null,
        speakerId: null,
        emotion: null,
        provisional: true,
      };
      // A late partial of a segment that is already committed must not bring it back as provisional.
      if (findCommitted(s, (l) => l.key === e.segmentKey, e.startMs) >= 0) return s;
      const moved = s.tails[e.channel]?.key !== e.segmentKey || s.tails[e.channel]?.startMs !== e.startMs;
      return {
        ...s,
        tails: { ...s.tails, [e.channel]: line },
        version: s.version + 1,
        layout: moved ? s.layout + 1 : s.layout,
      };
    }
    case 'transcript.final': {
      const e = action.event;
      let s = forMeeting(state, e.meetingId);
      s = withSpeaker(s, e.speaker);
      const line = lineOfSegment(e.segment, e.segmentKey);
      const tails = dropTail(s.tails, e.segment.channel, e.segmentKey);
      const existing = findCommitted(s, (l) => l.segmentId === line.segmentId, line.startMs);
      const committed = existing >= 0 ? replaceAt(s, existing, line) : insertCommitted(s, line);
      return { ...s, ...committed, tails, version: s.version + 1, layout: s.layout + 1 };
    }
    case 'transcript.echo-dropped': {
      const e = action.event;
      if (state.meetingId !== e.meetingId) return state;
      const tails = dropTail(state.tails, e.channel, e.segmentKey);
      return tails === state.tails
        ? state
        : { ...state, tails, version: state.version + 1, layout: state.layout + 1 };
    }
    case 'transcript.status': {
      const s = forMeeting(state, action.event.meetingId);
      return { ...s, status: action.event };
    }
    case 'transcript.lag': {
      const s = forMeeting(state, action.event.meetingId);
      return { ...s, lag: { ...s.lag, [action.event.channel]: action.event } };
    }
    case 'loaded': {
      // Live events that arrived before the archive answered win over the loaded copy of the same segment.
      let s = state.meetingId === action.meetingId ? state : fresh(action.meetingId, state.version);
      for (const speaker of action.speakers) s = withSpeaker(s, speaker);
      const sorted = [...action.segments].sort((a, b) => a.startMs - b.startMs);
      for (const segment of sorted) {
        const line = lineOfSegment(segment, `segment:${segment.id}`);
        if (findCommitted(s, (l) => l.segmentId === segment.id, segment.startMs) >= 0) continue;
        s = { ...s, ...insertCommitted(s, line) };
      }
      return { ...s, version: s.version + 1, layout: s.layout + 1 };
    }
    case 'segment-updated': {
      const { segment } = action;
      if (state.meetingId !== segment.meetingId) return state;
      // The start may have changed with the edit: search by id over the whole list (rare, user-paced).
      const index = state.committed.slice(0, state.count).findIndex((l) => l.segmentId === segment.id);
      if (index < 0) return state;
      const line = lineOfSegment(segment, state.committed[index]!.key);
      return {
        ...state,
        ...replaceAt(state, index, line),
        version: state.version + 1,
        layout: state.layout + 1,
      };
    }
    case 'speaker-updated': {
      if (!state.speakers.has(action.speaker.id)) return state;
      const s = withSpeaker(state, action.speaker);
      return s === state ? state : { ...s, version: s.version + 1 };
    }
    case 'meeting':
      return forMeeting(state, action.meetingId);
    case 'reset':
      return fresh(null, state.version);
  }
}

function lineOfSegment(segment: Segment, key: string): CaptionLine {
  return {
    key,
    rowKey: `f:${key}`,
    channel: segment.channel,
    startMs: segment.startMs,
    endMs: segment.endMs,
    text: segment.text,
    words: segment.words.map((w) => ({
      text: w.text,
      startMs: w.startMs,
      endMs: w.endMs,
      confidence: w.confidence,
    })),
    segmentId: segment.id,
    speakerId: segment.speakerId,
    emotion: segment.emotion,
    provisional: false,
  };
}

function withSpeaker(
  state: CaptionsState,
  speaker: Pick<Speaker, 'id' | 'label' | 'displayName'>,
): CaptionsState {
  const known = state.speakers.get(speaker.id);
  if (known && known.label === speaker.label && known.displayName === speaker.displayName) return state;
  const speakers = new Map(state.speakers);
  speakers.set(speaker.id, {
    id: speaker.id,
    label: speaker.label,
    displayName: speaker.displayName,
    colour: known ? known.colour : state.speakers.size % PALETTE_SIZE,
  });
  return { ...state, speakers };
}

function dropTail(
  tails: CaptionsState['tails'],
  channel: Channel,
  segmentKey: string,
): CaptionsState['tails'] {
  return tails[channel]?.key === segmentKey ? { ...tails, [channel]: null } : tails;
}

/** First index whose line starts after `startMs` (binary search over this state's committed lines). */
function upperBound(lines: readonly CaptionLine[], count: number, startMs: number): number {
  let lo = 0;
  let hi = count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (lines[mid]!.startMs <= startMs) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A committed line near `startMs` matching `match`: finals arrive roughly in order, so look back a little. */
function findCommitted(state: CaptionsState, match: (line: CaptionLine) => boolean, startMs: number): number {
  const { committed, count } = state;
  const from = upperBound(committed, count, startMs);
  for (let i = from - 1; i >= 0 && i >= from - 64; i--) if (match(committed[i]!)) return i;
  for (let i = from; i < count && i < from + 64; i++) if (match(committed[i]!)) return i;
  return -1;
}

function insertCommitted(
  state: CaptionsState,
  line: CaptionLine,
): Pick<CaptionsState, 'committed' | 'count'> {
  const { committed, count } = state;
  const at = upperBound(committed, count, line.startMs);
  if (at === count && count === committed.length) {
    // The common case: this state is the newest and the line goes last. Earlier states keep their count.
    committed.push(line);
    return { committed, count: count + 1 };
  }
  const copy = committed.slice(0, count);
  copy.splice(at, 0, line);
  return { committed: copy, count: count + 1 };
}

function replaceAt(
  state: CaptionsState,
  index: number,
  line: CaptionLine,
): Pick<CaptionsState, 'committed' | 'count'> {
  const copy = state.committed.slice(0, state.count);
  copy.splice(index, 1);
  const next = { committed: copy, count: copy.length };
  return insertCommitted({ ...state, ...next }, line);
}

/* ---- Selectors ------------------------------------------------------------------------------- */

export interface CaptionRows {
  length: number;
  at(index: number): CaptionLine;
}

const rowsCache = new WeakMap<CaptionsState, CaptionRows>();

/** Committed lines and tails merged by start time; O(log n) to build, O(1) per row. */
export function captionRows(state: CaptionsState): CaptionRows {
  const cached = rowsCache.get(state);
  if (cached) return cached;
  const { committed, count } = state;
  const tails = [state.tails.mic, state.tails.system]
    .filter((t): t is CaptionLine => t !== null)
    .sort((a, b) => a.startMs - b.startMs);
  // Each tail's row index: its place among committed lines plus the tails before it.
  const slots = tails.map((line, i) => ({ row: upperBound(committed, count, line.startMs) + i, line }));
  const rows: CaptionRows = {
    length: count + tails.length,
    at(index) {
      let before = 0;
      for (const slot of slots) {
        if (slot.row === index) return slot.line;
        if (slot.row < index) before++;
      }
      return committed[index - before]!;
    },
  };
  rowsCache.set(state, rows);
  return rows;
}

const keyGetters = new WeakMap<readonly CaptionLine[], { layout: number; at: (index: number) => string }>();

/**
 * Row index -> row key, the same function for as long as the layout is the same (equal `layout` on the
 * same storage means the same line keys at the same rows, whatever partial text changed meanwhile).
 */
export function rowKeyOf(state: CaptionsState): (index: number) => string {
  const cached = keyGetters.get(state.committed);
  if (cached && cached.layout === state.layout) return cached.at;
  const rows = captionRows(state);
  const at = (index: number) => rows.at(index).rowKey;
  keyGetters.set(state.committed, { layout: state.layout, at });
  return at;
}

/** The last `n` rows (the captions window). */
export function lastRows(state: CaptionsState, n: number): CaptionLine[] {
  const rows = captionRows(state);
  const out: CaptionLine[] = [];
  for (let i = Math.max(0, rows.length - n); i < rows.length; i++) out.push(rows.at(i));
  return out;
}

export interface SpeakerView {
  name: string;
  /** 'speaker-0'..'speaker-7' (styles.css), or 'speaker-unknown'. */
  colourClass: string;
}

/**
 * Who said a line: the user's own name on the microphone unless they renamed that speaker, the display
 * name or the machine label otherwise. A partial has no speaker yet: the mic is the local user, the
 * system side is only known once committed.
 */
export function speakerOf(state: CaptionsState, line: CaptionLine, localName: string): SpeakerView {
  const speaker = line.speakerId === null ? undefined : state.speakers.get(line.speakerId);
  if (!speaker) {
    if (line.channel === 'mic') return { name: localName, colourClass: micColour(state) };
    return { name: line.provisional ? 'Remote' : 'Unknown speaker', colourClass: 'speaker-unknown' };
  }
  const name = speaker.displayName ?? (line.channel === 'mic' ? localName : speaker.label);
  return { name, colourClass: `speaker-${speaker.colour}` };
}

/** The mic partial takes the colour the mic speaker already has, so the line does not change colour. */
function micColour(state: CaptionsState): string {
  for (let i = state.count - 1; i >= 0 && i >= state.count - 64; i--) {
    const line = state.committed[i]!;
    if (line.channel === 'mic' && line.speakerId !== null) {
      const speaker = state.speakers.get(line.speakerId);
      if (speaker) return `speaker-${speaker.colour}`;
    }
  }
  return 'speaker-unknown';
}

/** Labels not worth a badge: no signal, or nothing to tell. */
const QUIET_EMOTIONS = new Set(['neutral', 'unknown', 'unk', 'emo_unknown', '']);

export function emotionBadge(line: CaptionLine): string | null {
  const emotion = line.emotion?.trim().toLowerCase();
  return emotion === undefined || QUIET_EMOTIONS.has(emotion) ? null : emotion;
}

export interface FlaggedWord extends CaptionWord {
  /** Below the user's confidence threshold: underlined, confidence shown on hover. */
  low: boolean;
}

export function flagWords(line: CaptionLine, threshold: number): FlaggedWord[] {
  return line.words.map((w) => ({ ...w, low: w.confidence !== null && w.confidence < threshold }));
}

export function confidenceTitle(confidence: number): string {
  return `Confidence ${Math.round(confidence * 100)}%`;
}

/** The newest capture time seen: the meeting clock as far as the transcript knows it. */
export function latestCaptureMs(state: CaptionsState): number {
  const ends = [state.tails.mic?.endMs ?? 0, state.tails.system?.endMs ?? 0];
  const last = state.count > 0 ? state.committed[state.count - 1]!.endMs : 0;
  const lags = [state.lag.mic?.captureMs ?? 0, state.lag.system?.captureMs ?? 0];
  return Math.max(last, ...ends, ...lags, state.status?.captureMs ?? 0);
}
