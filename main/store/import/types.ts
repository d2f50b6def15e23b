import type { Channel, MeetingStatus, NoteKind } from '../types';
import type { NewWord } from '../repositories/segments';

/**
 * What a parser makes of a file, before anything touches the database. Parsers are pure
 * (text in, transcript or error out); ./write.ts stores a transcript in one transaction.
 */
export interface ParsedSpeaker {
  /** Key segments refer to (the name found in the file, or the JSON key). */
  key: string;
  label: string;
  displayName: string | null;
  channel: Channel;
  colour: string | null;
}

export interface ParsedSegment {
  speakerKey: string | null;
  channel: Channel;
  startMs: number;
  endMs: number;
  text: string;
  language?: string | null;
  emotion?: string | null;
  emotionScore?: number | null;
  confidence?: number | null;
  revision?: number;
  /** Absent for subtitle formats: the writer estimates word times from the text. */
  words?: NewWord[];
}

export interface ParsedNote {
  atMs: number | null;
  kind: NoteKind;
  text: string;
}

export interface ParsedTranscript {
  format: 'vtt' | 'srt' | 'json';
  /** From the file when it says; otherwise the importer uses the file name. */
  title: string | null;
  /** Epoch ms, when the file says; otherwise the importer uses the file's time. */
  startedAt: number | null;
  endedAt: number | null;
  durationMs: number | null;
  status: MeetingStatus | null;
  language: string | null;
  speakers: ParsedSpeaker[];
  segments: ParsedSegment[];
  notes: ParsedNote[];
}

export interface ImportProblem {
  message: string;
  /** 1-based line of the file where the problem is, when there is one. */
  line: number | null;
}

export type ParseOutcome = { ok: true; transcript: ParsedTranscript } | { ok: false; error: ImportProblem };

export function problem(message: string, line: number | null = null): ParseOutcome {
  return { ok: false, error: { message, line } };
}

/** Splits on CRLF, CR or LF and removes a leading byte order mark. */
export function splitLines(text: string): string[] {
  return text.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
}
