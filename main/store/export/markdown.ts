import { DEFAULT_CONFIDENCE_THRESHOLD, type MeetingDetail, type SegmentWithWords } from '../types';
import { locateWords } from '../text';
import { escapeMarkdown } from './markdown-escape';
import { formatClock, formatDateTime, formatDuration } from './time';
import { participants, speakerTurns } from './turns';

export interface MarkdownOptions {
  /** Append the segment's emotion (other than neutral) as an italic tag. Default false. */
  emotions?: boolean;
  /** Mark unreviewed words under this confidence as ==word==; null marks nothing. Default 0.9. */
  lowConfidenceThreshold?: number | null;
  /** IANA zone for the date line; default the machine's. */
  timeZone?: string;
}

/** Meeting notes as Markdown: header facts, the user's notes, then the transcript by speaker turns. */
export function exportMarkdown(detail: MeetingDetail, options: MarkdownOptions = {}): string {
  const threshold =
    options.lowConfidenceThreshold === undefined
      ? DEFAULT_CONFIDENCE_THRESHOLD
      : options.lowConfidenceThreshold;
  const { meeting } = detail;
  const out: string[] = [];
  out.push(`# ${escapeMarkdown(meeting.title || 'Untitled meeting')}`, '');
  out.push(`- **Date:** ${formatDateTime(meeting.startedAt, options.timeZone)}`);
  out.push(`- **Duration:** ${formatDuration(meeting.durationMs)}`);
  const people = participants(detail);
  if (people.length) out.push(`- **Participants:** ${people.map(escapeMarkdown).join(', ')}`);
  if (meeting.status !== 'done') out.push(`- **Status:** ${meeting.status}`);
  out.push('');

  if (detail.notes.length) {
    out.push('## Notes', '');
    const general = detail.notes.filter((n) => n.atMs === null && n.text);
    const timed = detail.notes.filter((n) => n.atMs !== null);
    for (const note of general) out.push(escapeMarkdown(note.text), '');
    for (const note of timed) {
      const label = note.kind === 'bookmark' ? '**Bookmark**' + (note.text ? ': ' : '') : '';
      out.push(
        `- [${formatClock(note.atMs ?? 0)}] ${label}${escapeMarkdown(note.text).replace(/\n/g, '\n  ')}`,
      );
    }
    if (timed.length) out.push('');
  }

  out.push('## Transcript', '');
  let marked = false;
  for (const turn of speakerTurns(detail)) {
    const body = turn.segments
      .map((segment) => {
        const { text, anyMarked } = segmentMarkdown(segment, threshold);
        marked ||= anyMarked;
        const emotion =
          options.emotions && segment.emotion && segment.emotion !== 'neutral'
            ? ` _(${escapeMarkdown(segment.emotion)})_`
            : '';
        return text + emotion;
      })
      .filter(Boolean)
      .join(' ');
    // Two trailing spaces: a hard line break, so the speaker line and the text stay one paragraph.
    out.push(`**${escapeMarkdown(turn.speaker)}** [${formatClock(turn.startMs)}]  `, body, '');
  }
  if (marked && threshold !== null) {
    out.push(
      '---',
      '',
      `_Words marked ==like this== were recognised with less than ${Math.round(threshold * 100)}% confidence._`,
      '',
    );
  }
  return out.join('\n');
}

function segmentMarkdown(
  segment: SegmentWithWords,
  threshold: number | null,
): { text: string; anyMarked: boolean } {
  const flagged = (i: number): boolean => {
    const w = segment.words[i];
    return (
      threshold !== null &&
      w !== undefined &&
      w.reviewedAt === null &&
      w.confidence !== null &&
      w.confidence < threshold
    );
  };
  if (threshold === null || !segment.words.some((_, i) => flagged(i))) {
    return { text: escapeMarkdown(segment.text), anyMarked: false };
  }
  const spans = locateWords(
    segment.text,
    segment.words.map((w) => w.text),
  );
  let text = '';
  let cursor = 0;
  let anyMarked = false;
  spans.forEach((span, i) => {
    if (!span || !flagged(i)) return;
    text +=
      escapeMarkdown(segment.text.slice(cursor, span[0])) +
      `==${escapeMarkdown(segment.text.slice(span[0], span[1]))}==`;
    cursor = span[1];
    anyMarked = true;
  });
  text += escapeMarkdown(segment.text.slice(cursor));
  return { text, anyMarked };
}
