import { describe, expect, it } from 'vitest';
import {
  exportMarkdown,
  exportMeeting,
  exportSearchResultsMarkdown,
  exportSrt,
  exportText,
  exportVtt,
  subtitleCues,
} from '../../../main/store/export';
import { escapeMarkdown } from '../../../main/store/export/markdown-escape';
import { formatClock, formatDateTime, formatDuration, formatSrtTime } from '../../../main/store/export/time';
import { parseSrt, parseVtt } from '../../../main/store/import';
import type { MeetingDetail, SegmentWithWords, Speaker, Word } from '../../../main/store';

/** Meeting data built by hand: export functions are pure and need no database. */
function speaker(
  id: number,
  label: string,
  displayName: string | null,
  channel: 'mic' | 'system' = 'system',
): Speaker {
  return { id, meetingId: 1, label, displayName, channel, colour: null, voiceprintId: null };
}

function segment(
  id: number,
  speakerId: number | null,
  startMs: number,
  text: string,
  extra: Partial<SegmentWithWords> = {},
  confidences: (number | null)[] = [],
): SegmentWithWords {
  const parts = text.split(' ');
  const words: Word[] = parts.map((w, i) => ({
    segmentId: id,
    ord: i,
    text: w.replace(/[,.!?]$/u, ''),
    startMs: startMs + i * 400,
    endMs: startMs + i * 400 + 350,
    confidence: confidences[i] === undefined ? 0.99 : confidences[i],
    originalText: null,
    reviewedAt: null,
  }));
  return {
    id,
    meetingId: 1,
    speakerId,
    channel: 'system',
    startMs,
    endMs: startMs + parts.length * 400,
    text,
    language: 'en',
    emotion: null,
    emotionScore: null,
    confidence: null,
    minWordConfidence: null,
    revision: 0,
    words,
    ...extra,
  };
}

const detail: MeetingDetail = {
  meeting: {
    id: 1,
    title: 'Roadmap *review* #3',
    startedAt: Date.UTC(2024, 2, 1, 14, 5),
    endedAt: null,
    status: 'done',
    durationMs: 3_725_000,
    language: 'en',
    audioDir: null,
    createdAt: 0,
    updatedAt: 0,
  },
  speakers: [speaker(1, 'S1', 'Ana María'), speaker(2, 'you', 'You', 'mic'), speaker(3, 'S2', null)],
  segments: [
    segment(1, 1, 1000, 'Hello, everyone.'),
    segment(
      2,
      1,
      3000,
      'The budget is <approved> & final.',
      { emotion: 'happy' },
      [0.99, 0.5, 0.99, 0.99, 0.99, 0.99],
    ),
    segment(3, 2, 3_700_000, '- great, thanks', { emotion: 'neutral' }),
    segment(4, 3, 3_710_000, 'Bye --> now'),
  ],
  notes: [
    { id: 1, meetingId: 1, atMs: null, kind: 'note', text: 'Agenda:\nbudget', createdAt: 0, updatedAt: 0 },
    { id: 2, meetingId: 1, atMs: 3000, kind: 'bookmark', text: 'decision', createdAt: 0, updatedAt: 0 },
  ],
};

describe('time formats', () => {
  it('clock, subtitle times, durations and dates', () => {
    expect(formatClock(3_725_999)).toBe('01:02:05');
    expect(formatSrtTime(3_725_999)).toBe('01:02:05,999');
    expect([formatDuration(3_725_000), formatDuration(725_000), formatDuration(5_000)]).toEqual([
      '1 h 02 min',
      '12 min 05 s',
      '5 s',
    ]);
    expect(formatDateTime(Date.UTC(2024, 2, 1, 23, 30), 'UTC')).toBe('2024-03-01 23:30');
    expect(formatDateTime(Date.UTC(2024, 2, 1, 23, 30), 'Asia/Tokyo')).toBe('2024-03-02 08:30');
  });
});

describe('Markdown notes', () => {
  const md = exportMarkdown(detail, { timeZone: 'UTC', emotions: true });

  it('has the title, date, duration, participants and notes', () => {
    expect(md.split('\n').slice(0, 6)).toEqual([
      '# Roadmap \\*review\\* #3',
      '',
      '- **Date:** 2024-03-01 14:05',
      '- **Duration:** 1 h 02 min',
      '- **Participants:** Ana María, You, S2',
      '',
    ]);
    expect(md).toContain('## Notes\n\nAgenda:\nbudget\n\n- [00:00:03] **Bookmark**: decision\n');
  });

  it('writes the transcript by speaker turns with timestamps, emotion tags and low-confidence marks', () => {
    const transcript = md.slice(md.indexOf('## Transcript'));
    expect(transcript).toBe(
      [
        '## Transcript',
        '',
        '**Ana María** [00:00:01]  ',
        'Hello, everyone. The ==budget== is \\<approved\\> & final. _(happy)_',
        '',
        '**You** [01:01:40]  ',
        '\\- great, thanks',
        '',
        '**S2** [01:01:50]  ',
        'Bye --\\> now',
        '',
        '---',
        '',
        '_Words marked ==like this== were recognised with less than 90% confidence._',
        '',
      ].join('\n'),
    );
  });

  it('marks nothing when the threshold is null, only words under a custom threshold otherwise, never reviewed words', () => {
    expect(exportMarkdown(detail, { lowConfidenceThreshold: null, timeZone: 'UTC' })).not.toContain('==');
    expect(exportMarkdown(detail, { lowConfidenceThreshold: 0.4, timeZone: 'UTC' })).not.toContain(
      '==budget==',
    );
    const reviewed = structuredClone(detail);
    const word = reviewed.segments[1]?.words[1];
    if (word) word.reviewedAt = 1;
    expect(exportMarkdown(reviewed, { timeZone: 'UTC' })).not.toContain('==');
  });

  it('escapes text that would otherwise become Markdown', () => {
    expect(escapeMarkdown('# not a heading')).toBe('\\# not a heading');
    expect(escapeMarkdown('1. not a list')).toBe('1\\. not a list');
    expect(escapeMarkdown('a ==b== [c](d) `e`')).toBe('a \\=\\=b\\=\\= \\[c\\](d) \\`e\\`');
    expect(escapeMarkdown('2 = 2')).toBe('2 = 2');
  });
});

describe('subtitles', () => {
  it('SRT: numbered CRLF cues, each starting with its speaker', () => {
    const srt = exportSrt(detail);
    expect(srt.split('\r\n\r\n')[0]).toBe(
      '1\r\n00:00:01,000 --> 00:00:01,750\r\nAna María: Hello, everyone.',
    );
    expect(srt.split('\r\n\r\n')[1]).toBe(
      '2\r\n00:00:03,000 --> 00:00:05,350\r\nAna María: The budget is <approved> & final.',
    );
    expect(srt).toContain('You: - great, thanks');
    expect(srt.endsWith('\r\n')).toBe(true);
  });

  it('WebVTT: voice tag on every cue, text escaped so "-->" and "<" cannot break the file', () => {
    const vtt = exportVtt(detail);
    expect(vtt.startsWith('WEBVTT\n\n00:00:01.000 --> 00:00:01.750\n<v Ana María>Hello, everyone.\n')).toBe(
      true,
    );
    expect(vtt).toContain('<v Ana María>The budget is &lt;approved&gt; &amp; final.');
    expect(vtt).toContain('<v S2>Bye --&gt; now');
  });

  it('exported subtitles import back with the same speakers and text', () => {
    const vtt = parseVtt(exportVtt(detail));
    const srt = parseSrt(exportSrt(detail));
    expect(vtt.ok && vtt.transcript.segments.map((s) => [s.speakerKey, s.text])).toEqual([
      ['Ana María', 'Hello, everyone.'],
      ['Ana María', 'The budget is <approved> & final.'],
      ['You', '- great, thanks'],
      ['S2', 'Bye --> now'],
    ]);
    expect(srt.ok && srt.transcript.segments.map((s) => [s.speakerKey, s.text])).toEqual([
      ['Ana María', 'Hello, everyone.'],
      ['Ana María', 'The budget is <approved> & final.'],
      ['You', '- great, thanks'],
      ['S2', 'Bye -> now'],
    ]);
  });

  it('cuts long segments into cues of at most 2 lines of 42 characters, timed by their words', () => {
    const long = 'word '.repeat(60).trim();
    const cues = subtitleCues({ ...detail, segments: [segment(9, 1, 0, long)] });
    expect(cues.length).toBe(4);
    for (const cue of cues) {
      expect(cue.lines.length).toBeLessThanOrEqual(2);
      expect(cue.lines.every((l) => l.length <= 42)).toBe(true);
    }
    expect(cues.map((c) => c.startMs)).toEqual([0, 6400, 12800, 19200]); // 8 words of 5 chars per line
    expect(cues.flatMap((c) => c.lines).join(' ')).toBe(long);
  });
});

describe('plain text and search results', () => {
  it('plain text: header, notes, one line per turn', () => {
    const text = exportText(detail, { timeZone: 'UTC' });
    expect(text).toContain(
      'Roadmap *review* #3\n2024-03-01 14:05, 1 h 02 min\nParticipants: Ana María, You, S2\n',
    );
    expect(text).toContain('[00:00:01] Ana María: Hello, everyone. The budget is <approved> & final.\n');
    expect(text).toContain('[00:00:03] Bookmark: decision');
  });

  it('exportMeeting dispatches every format', () => {
    expect(exportMeeting(detail, 'json')).toContain('"format": "verbatim.meeting"');
    expect(exportMeeting(detail, 'vtt').startsWith('WEBVTT')).toBe(true);
  });

  it('search results as Markdown, grouped by meeting, highlights in bold', () => {
    const md = exportSearchResultsMarkdown(
      'budget',
      [
        {
          kind: 'segment',
          id: 2,
          meetingId: 1,
          meetingTitle: 'Roadmap',
          meetingStartedAt: Date.UTC(2024, 2, 1, 14, 5),
          startMs: 3000,
          endMs: 5000,
          speakerId: 1,
          speakerName: 'Ana María',
          emotion: null,
          snippet: 'The \u0002budget\u0003 is final',
          rank: -1,
        },
      ],
      { timeZone: 'UTC' },
    );
    expect(md).toBe(
      '# Search: budget\n\n## Roadmap (2024-03-01 14:05)\n\n- [00:00:03] **Ana María:** The **budget** is final\n',
    );
  });
});
