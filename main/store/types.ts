/**
 * Domain types of the meeting archive. Times inside a meeting (segments, words, notes) are
 * milliseconds from the meeting's start; meeting and audit times are Unix epoch milliseconds.
 * Rows are plain objects so they cross the process boundary (structured clone) unchanged.
 */

export const MEETING_STATUSES = [
  'recording',
  'paused',
  'finalizing',
  'done',
  'interrupted',
  'error',
] as const;
export type MeetingStatus = (typeof MEETING_STATUSES)[number];

/** States a meeting is in only while a session owns it; found at start-up they mean a crash. */
export const OPEN_MEETING_STATUSES = [
  'recording',
  'paused',
  'finalizing',
] as const satisfies readonly MeetingStatus[];

export const CHANNELS = ['mic', 'system'] as const;
export type Channel = (typeof CHANNELS)[number];

export const NOTE_KINDS = ['note', 'bookmark'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

/** DESIGN.md "Confidence and review": words under this are flagged unless the user set another value. */
export const DEFAULT_CONFIDENCE_THRESHOLD = 0.9;

export interface Meeting {
  id: number;
  title: string;
  startedAt: number;
  endedAt: number | null;
  status: MeetingStatus;
  durationMs: number;
  language: string | null;
  /** Folder holding this meeting's recorded audio, if it was kept. */
  audioDir: string | null;
  createdAt: number;
  updatedAt: number;
}

export interface MeetingSummary extends Meeting {
  speakerCount: number;
  segmentCount: number;
}

export interface Speaker {
  id: number;
  meetingId: number;
  /** Stable machine label ('you', 'S1', or the name found in an imported file). */
  label: string;
  /** Name the user gave; the UI shows displayName ?? label. */
  displayName: string | null;
  channel: Channel;
  colour: string | null;
  voiceprintId: number | null;
}

/** A word is identified by its segment and its position in it (`ord`, from 0). */
export interface Word {
  segmentId: number;
  ord: number;
  text: string;
  startMs: number;
  endMs: number;
  /** Posterior-based confidence in [0,1]; null when unknown (e.g. imported subtitles). */
  confidence: number | null;
  /** The recognizer's text, kept when the user corrected the word. */
  originalText: string | null;
  /** When a person verified (accepted or corrected) the word. */
  reviewedAt: number | null;
}

export interface Segment {
  id: number;
  meetingId: number;
  speakerId: number | null;
  channel: Channel;
  startMs: number;
  endMs: number;
  text: string;
  language: string | null;
  emotion: string | null;
  emotionScore: number | null;
  confidence: number | null;
  /** Lowest confidence among words nobody has reviewed yet; null when there is none. */
  minWordConfidence: number | null;
  /** Bumped by every user edit of the segment's text. */
  revision: number;
}

export interface SegmentWithWords extends Segment {
  words: Word[];
}

export interface Note {
  id: number;
  meetingId: number;
  /** Moment in the meeting the note refers to; null for a note about the whole meeting. */
  atMs: number | null;
  kind: NoteKind;
  text: string;
  createdAt: number;
  updatedAt: number;
}

export interface Voiceprint {
  id: number;
  name: string;
  embedding: Float32Array;
  modelId: string;
  createdAt: number;
}

export interface Edit {
  id: number;
  meetingId: number | null;
  table: string;
  rowId: number;
  field: string;
  oldValue: string | number | null;
  newValue: string | number | null;
  at: number;
}

export interface MeetingDetail {
  meeting: Meeting;
  speakers: Speaker[];
  segments: SegmentWithWords[];
  notes: Note[];
}
