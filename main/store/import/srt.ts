import { cuesToTranscript, type RawCue } from './cues';
import { parseSrtTimestamp } from './timestamps';
import { problem, splitLines, type ParseOutcome } from './types';

const quote = (line: string): string => JSON.stringify(line.length > 60 ? `${line.slice(0, 60)}…` : line);
const isBlank = (line: string | undefined): boolean => line === undefined || line.trim() === '';
const TIMING = /^\s*(\S+)\s*-->\s*(\S+)(?:\s.*)?$/u;
const isCueNumber = (line: string | undefined): boolean => line !== undefined && /^\s*\d+\s*$/u.test(line);

/**
 * SubRip: numbered cues, "hh:mm:ss,mmm --> hh:mm:ss,mmm" (optionally followed by X1:.. Y2:..
 * coordinates), text lines, blank line. A cue number may be missing; a cue that starts without
 * its blank line (a number followed by a timing line, or a timing line) is still found.
 */
export function parseSrt(text: string): ParseOutcome {
  const lines = splitLines(text);
  if (lines.every(isBlank)) return problem('The file is empty.');
  const cues: RawCue[] = [];
  let i = 0;
  while (i < lines.length) {
    const first = lines[i] ?? '';
    if (isBlank(first)) {
      i += 1;
      continue;
    }
    let timing = i;
    if (!first.includes('-->')) {
      if (!isCueNumber(first)) {
        return problem(
          `Expected a cue number or a timing line like "00:00:01,000 --> 00:00:04,000" but found ${quote(first)}.`,
          i + 1,
        );
      }
      timing = i + 1;
      if (!lines[timing]?.includes('-->')) {
        const at = isBlank(lines[timing]) ? i : timing;
        return problem(
          `Expected a timing line after cue number ${first.trim()} but found ${quote(lines[at] ?? '')}.`,
          at + 1,
        );
      }
    }
    const line = lines[timing] ?? '';
    const m = TIMING.exec(line);
    if (!m) return problem(`Cannot read the cue timing ${quote(line)}.`, timing + 1);
    const startMs = parseSrtTimestamp(m[1] ?? '');
    if (startMs === null) return problem(`Invalid start time "${m[1]}" (expected hh:mm:ss,mmm).`, timing + 1);
    const endMs = parseSrtTimestamp(m[2] ?? '');
    if (endMs === null) return problem(`Invalid end time "${m[2]}" (expected hh:mm:ss,mmm).`, timing + 1);
    if (endMs < startMs) return problem(`The cue ends (${m[2]}) before it starts (${m[1]}).`, timing + 1);
    i = timing + 1;
    const payload: string[] = [];
    while (i < lines.length && !isBlank(lines[i])) {
      const current = lines[i] ?? '';
      if (current.includes('-->') || (isCueNumber(current) && TIMING.test(lines[i + 1] ?? ''))) break;
      payload.push(current);
      i += 1;
    }
    cues.push({ startMs, endMs, payload: payload.join('\n') });
  }
  const transcript = cuesToTranscript('srt', cues, { decode: false, language: null });
  if (transcript.segments.length === 0) return problem('The file has no subtitles with text.');
  return { ok: true, transcript };
}
