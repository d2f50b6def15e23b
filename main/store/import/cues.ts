import type { Channel } from '../types';
import { parseCueText } from './cue-text';
import { applySpeakerPrefixes } from './speaker-prefix';
import type { ParsedSegment, ParsedSpeaker, ParsedTranscript } from './types';

/** A timed cue as both subtitle formats have it, with the raw payload lines. */
export interface RawCue {
  startMs: number;
  endMs: number;
  payload: string;
}

/** Subtitle files carry other people's voices: they are filed as the system channel. */
const IMPORTED_CHANNEL: Channel = 'system';

/**
 * Turns cues into segments and speakers. Voice tags win; without any, "Name: " prefixes are used
 * when most cues have one. A cue with several voices is split into one segment per voice, its
 * time shared in proportion to the text (the file gives no finer timing).
 */
export function cuesToTranscript(
  format: 'vtt' | 'srt',
  cues: readonly RawCue[],
  options: { decode: boolean; language: string | null },
): ParsedTranscript {
  const parsed = cues.map((cue) => ({ cue, runs: parseCueText(cue.payload, { decode: options.decode }) }));
  const hasVoices = parsed.some((p) => p.runs.some((r) => r.voice !== null));
  if (!hasVoices) {
    const prefixed = applySpeakerPrefixes(parsed.map((p) => p.runs.map((r) => r.text).join(' ')));
    if (prefixed) {
      parsed.forEach((p, i) => {
        const entry = prefixed[i];
        p.runs = entry && entry.text ? [{ voice: entry.speaker, text: entry.text }] : [];
      });
    }
  }

  const segments: ParsedSegment[] = [];
  const speakers = new Map<string, ParsedSpeaker>();
  for (const { cue, runs } of parsed) {
    const total = runs.reduce((n, r) => n + r.text.length, 0);
    let at = cue.startMs;
    let used = 0;
    runs.forEach((run, index) => {
      used += run.text.length;
      const end =
        index === runs.length - 1
          ? cue.endMs
          : cue.startMs + Math.round(((cue.endMs - cue.startMs) * used) / total);
      if (run.voice !== null && !speakers.has(run.voice)) {
        speakers.set(run.voice, {
          key: run.voice,
          label: run.voice,
          displayName: null,
          channel: IMPORTED_CHANNEL,
          colour: null,
        });
      }
      segments.push({
        speakerKey: run.voice,
        channel: IMPORTED_CHANNEL,
        startMs: at,
        endMs: end,
        text: run.text,
      });
      at = end;
    });
  }
  segments.sort((a, b) => a.startMs - b.startMs);
  const lastEnd = segments.reduce((max, s) => Math.max(max, s.endMs), 0);
  return {
    format,
    title: null,
    startedAt: null,
    endedAt: null,
    durationMs: lastEnd,
    status: null,
    language: options.language,
    speakers: [...speakers.values()],
    segments,
    notes: [],
  };
}
