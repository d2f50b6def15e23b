import { cuesToTranscript, type RawCue } from './cues';
import { parseVttTimestamp } from './timestamps';
import { problem, splitLines, type ParseOutcome } from './types';

const quote = (line: string): string => JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}…` : line);
const isBlank = (line: string | undefined): boolean => line === undefined || line.trim() === '';

/**
 * WebVTT (W3C): header, NOTE / STYLE / REGION blocks, cues with optional identifiers and
 * settings, multi-line payloads, voice tags. Unlike a browser, which skips a broken cue, an import
 * refuses the whole file and names the line: silently losing part of a transcript is worse.
 */
export function parseVtt(text: string): ParseOutcome {
  const lines = splitLines(text);
  if (lines.every(isBlank)) return problem('The file is empty.');
  if (!/^WEBVTT(?:[ \t].*)?$/u.test(lines[0] ?? '')) {
    return problem('Not a WebVTT file: the first line must be "WEBVTT".', 1);
  }
  let language: string | null = null;
  let i = 1;
  for (; i < lines.length && !isBlank(lines[i]) && !lines[i]?.includes('-->'); i += 1) {
    const lang = /^Language:\s*(\S+)/iu.exec(lines[i] ?? '');
    if (lang) language = lang[1] ?? null;
  }

  const cues: RawCue[] = [];
  while (i < lines.length) {
    const first = lines[i] ?? '';
    if (isBlank(first)) {
      i += 1;
      continue;
    }
    if (/^(?:NOTE|STYLE|REGION)(?:[ \t]|$)/u.test(first)) {
      while (i < lines.length && !isBlank(lines[i])) i += 1;
      continue;
    }
    let timing = i;
    if (!first.includes('-->')) {
      timing = i + 1; // the first line is the cue identifier
      if (isBlank(lines[timing]) || !lines[timing]?.includes('-->')) {
        const at = isBlank(lines[timing]) ? i : timing;
        return problem(
          `Expected a cue timing line like "00:00:01.000 --> 00:00:04.000" but found ${quote(lines[at] ?? '')}.`,
          at + 1,
        );
      }
    }
    const line = lines[timing] ?? '';
    const m = /^\s*(\S+?)\s*-->\s*(\S+)(?:\s.*)?$/u.exec(line);
    if (!m) return problem(`Cannot read the cue timing ${quote(line)}.`, timing + 1);
    const startMs = parseVttTimestamp(m[1] ?? '');
    if (startMs === null) return problem(`Invalid start time "${m[1]}" (expected hh:mm:ss.ttt).`, timing + 1);
    const endMs = parseVttTimestamp(m[2] ?? '');
    if (endMs === null) return problem(`Invalid end time "${m[2]}" (expected hh:mm:ss.ttt).`, timing + 1);
    if (endMs < startMs) return problem(`The cue ends (${m[2]}) before it starts (${m[1]}).`, timing + 1);
    i = timing + 1;
    const payload: string[] = [];
    // A payload ends at a blank line, or at a line with "-->" (the next cue, missing its blank line).
    while (i < lines.length && !isBlank(lines[i]) && !lines[i]?.includes('-->')) {
      payload.push(lines[i] ?? '');
      i += 1;
    }
    cues.push({ startMs, endMs, payload: payload.join('\n') });
  }
  const transcript = cuesToTranscript('vtt', cues, { decode: true, language });
  if (transcript.segments.length === 0) return problem('The file has no cues with text.');
  return { ok: true, transcript };
}
