import type { MeetingDetail } from '../types';
import { exportJson } from './json';
import { exportMarkdown, type MarkdownOptions } from './markdown';
import { exportSrt } from './srt';
import { exportText } from './text';
import { exportVtt } from './vtt';

export { exportJson } from './json';
export { exportMarkdown, type MarkdownOptions } from './markdown';
export { exportSrt } from './srt';
export { exportVtt } from './vtt';
export { exportText } from './text';
export { exportSearchResultsMarkdown } from './search-results';
export { sanitizeFileName, suggestFileName, writeExportFile, type WriteExportOptions } from './file';
export { subtitleCues, type CueOptions, type SubtitleCue } from './cues';

export const EXPORT_FORMATS = ['markdown', 'srt', 'vtt', 'json', 'text'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const EXPORT_EXTENSIONS: Record<ExportFormat, string> = {
  markdown: 'md',
  srt: 'srt',
  vtt: 'vtt',
  json: 'json',
  text: 'txt',
};

export interface ExportOptions extends MarkdownOptions {
  timeZone?: string;
}

/** One entry point for the backend: meeting data in, file content out (pure). */
export function exportMeeting(
  detail: MeetingDetail,
  format: ExportFormat,
  options: ExportOptions = {},
): string {
  switch (format) {
    case 'markdown':
      return exportMarkdown(detail, options);
    case 'srt':
      return exportSrt(detail);
    case 'vtt':
      return exportVtt(detail);
    case 'json':
      return exportJson(detail);
    case 'text':
      return exportText(detail, { timeZone: options.timeZone });
  }
}
