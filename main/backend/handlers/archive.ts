import { rm } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { ApiException, type archiveMethods, type ImportResult } from '../../api';
import { EXPORT_EXTENSIONS, exportMeeting, suggestFileName, type ExportFormat } from '../../store/export';
import { detectFormat, parseTranscript, writeTranscript } from '../../store/import';
import { openStore, type Store } from '../../store';
import type { Handler } from '../server';
import { guard } from './store-errors';

type ArchiveMethod = keyof typeof archiveMethods;
export type ArchiveHandlers = { [M in ArchiveMethod]: Handler<M> };

export interface ArchiveChange {
  reason: 'imported' | 'updated' | 'deleted';
  meetingIds: number[];
}

const MIME: Record<ExportFormat, string> = {
  markdown: 'text/markdown; charset=utf-8',
  srt: 'application/x-subrip; charset=utf-8',
  vtt: 'text/vtt; charset=utf-8',
  json: 'application/json; charset=utf-8',
  text: 'text/plain; charset=utf-8',
};

/** Opens the archive in the data folder; start-up recovery (interrupted meetings) runs here. */
export function openArchive(dataDir: string): Store {
  return openStore(join(dataDir, 'archive.sqlite'));
}

/**
 * Contract handlers over the store. Store failures become typed API errors (NOT_FOUND, INVALID_PARAMS,
 * IO_ERROR); every change is announced so open views refresh.
 */
export function archiveHandlers(
  store: Store,
  deps: { dataDir: string; confidenceThreshold: () => number; onChange: (change: ArchiveChange) => void },
): ArchiveHandlers {
  const changed = (reason: ArchiveChange['reason'], meetingIds: number[]) =>
    deps.onChange({ reason, meetingIds });
  const detailOf = (meetingId: number) => {
    const detail = store.meetings.detail(meetingId);
    if (!detail) throw new ApiException('NOT_FOUND', `Meeting ${meetingId} does not exist.`);
    return detail;
  };

  return {
    'meetings.list': guard(({ limit, offset }) => ({
      meetings: store.meetings.list({ limit: limit ?? 50, offset: offset ?? 0 }),
      total: store.meetings.count(),
    })),
    'meetings.get': guard(({ meetingId }) => detailOf(meetingId)),
    'meetings.rename': guard(({ meetingId, title }) => {
      const meeting = store.meetings.setTitle(meetingId, title);
      changed('updated', [meetingId]);
      return meeting;
    }),
    'meetings.delete': async ({ meetingId }) => {
      const deleted = guard(() => store.meetings.delete(meetingId))(undefined);
      if (!deleted) throw new ApiException('NOT_FOUND', `Meeting ${meetingId} does not exist.`);
      changed('deleted', [meetingId]);
      // The recording goes with the meeting, but only ever a folder inside our data folder.
      if (deleted.audioDir && isInside(deps.dataDir, deleted.audioDir)) {
        await rm(deleted.audioDir, { recursive: true, force: true }).catch(() => undefined);
      }
      return { meetingId };
    },
    'speakers.rename': guard(({ speakerId, displayName }) => {
      const speaker = store.speakers.rename(speakerId, displayName);
      changed('updated', [speaker.meetingId]);
      return speaker;
    }),
    'notes.add': guard(({ meetingId, atMs, kind, text }) => {
      const note = store.notes.add(meetingId, { atMs, kind, text });
      changed('updated', [meetingId]);
      return note;
    }),
    'notes.update': guard(({ noteId, text }) => {
      const note = store.notes.update(noteId, text);
      changed('updated', [note.meetingId]);
      return note;
    }),
    'notes.delete': guard(({ noteId }) => {
      const note = store.notes.get(noteId);
      if (!note || !store.notes.delete(noteId))
        throw new ApiException('NOT_FOUND', `Note ${noteId} does not exist.`);
      changed('updated', [note.meetingId]);
      return { noteId };
    }),
    'search.query': guard((params) =>
      store.search({ confidenceThreshold: deps.confidenceThreshold(), ...params }),
    ),
    'archive.import': guard(({ files }) => {
      const results: ImportResult[] = files.map(({ name, text }) => {
        const format = detectFormat(name, text);
        if (!format) {
          return { name, ok: false, message: 'Not a WebVTT, SRT or Verbatim JSON file.', line: null };
        }
        const parsed = parseTranscript(format, text);
        if (!parsed.ok) return { name, ok: false, message: parsed.error.message, line: parsed.error.line };
        try {
          const meeting = writeTranscript(store.ctx, parsed.transcript, {
            title: name.replace(/\.[^.]+$/u, ''),
            startedAt: Date.now(),
          });
          return {
            name,
            ok: true,
            meetingId: meeting.id,
            title: meeting.title,
            segments: parsed.transcript.segments.length,
          };
        } catch (error) {
          return {
            name,
            ok: false,
            message: `Could not store the transcript: ${(error as Error).message}`,
            line: null,
          };
        }
      });
      const imported = results.flatMap((r) => (r.ok ? [r.meetingId] : []));
      if (imported.length) changed('imported', imported);
      return { results };
    }),
    'archive.export': guard(({ meetingId, format, options }) => {
      const detail = detailOf(meetingId);
      const content = exportMeeting(detail, format, {
        emotions: options?.emotions,
        lowConfidenceThreshold: options?.lowConfidenceThreshold ?? deps.confidenceThreshold(),
        timeZone: options?.timeZone,
      });
      return {
        fileName: suggestFileName(detail.meeting, EXPORT_EXTENSIONS[format], options?.timeZone),
        mimeType: MIME[format],
        content,
      };
    }),
  };
}

function isInside(root: string, path: string): boolean {
  const rel = relative(resolve(root), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
