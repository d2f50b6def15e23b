import { z } from 'zod';
import { ChannelSchema, IdSchema as Id } from './archive';

/**
 * Meeting audio for playback (issue 4 item 5, issue 9 item 3): where a meeting's audio is, so the app
 * protocol (or the dev bridge) can serve it with range requests.
 *
 * The renderer never sees a file path it could use: it gets a same-origin relative URL
 * (`media/<meetingId>/<channel>`) which whoever serves the page (app:// in Electron, the dev bridge
 * over http://127.0.0.1) resolves by asking the backend `media.file`. The backend only ever answers
 * with files inside its data folder (checked after resolving symlinks).
 */

export const MediaChannelSchema = z.object({
  channel: ChannelSchema,
  /** Relative to the page: `media/<meetingId>/<channel>`. */
  url: z.string(),
  mimeType: z.string(),
  /** Length of the audio: exact for WAV, from the constant bit rate for MP3. */
  durationMs: z.number().min(0),
  bytes: z.number().int().min(0),
  /** 'wav' while recording or after a crash, 'mp3' once the meeting was compacted. */
  format: z.enum(['wav', 'mp3']),
});
export type MediaChannel = z.infer<typeof MediaChannelSchema>;

export const MediaSourcesSchema = z.object({ channels: z.array(MediaChannelSchema) });
export type MediaSources = z.infer<typeof MediaSourcesSchema>;

export const MediaFileSchema = z.object({
  /** Absolute path inside the backend's data folder. */
  path: z.string(),
  mimeType: z.string(),
  bytes: z.number().int().min(0),
});
export type MediaFile = z.infer<typeof MediaFileSchema>;

export const mediaMethods = {
  /** The meeting's playable channels; NOT_FOUND when it has no recorded audio (imported transcripts). */
  'media.sources': {
    params: z.object({ meetingId: Id }).strict(),
    result: MediaSourcesSchema,
  },
  /** For hosts serving `media/<id>/<channel>`: the file to stream. NOT_FOUND when there is none. */
  'media.file': {
    params: z.object({ meetingId: Id, channel: ChannelSchema }).strict(),
    result: MediaFileSchema,
  },
} as const;

export const mediaEvents = {} as const;

export type MediaChannelName = z.infer<typeof ChannelSchema>;

/** The URL path (relative, no leading slash) a host serves a meeting channel's audio under. */
export function mediaPath(meetingId: number, channel: MediaChannelName): string {
  return `media/${meetingId}/${channel}`;
}

/**
 * The inverse of mediaPath for a host: an absolute URL path (`/media/12/mic`) to its meeting and
 * channel, or null when it is not a media path. Strict on purpose: digits without a leading zero and
 * one of the two channel names, nothing else (no encoded characters, no trailing parts).
 */
export function parseMediaPath(pathname: string): { meetingId: number; channel: MediaChannelName } | null {
  const match = /^\/media\/([1-9]\d{0,14})\/(mic|system)$/u.exec(pathname);
  if (!match) return null;
  return { meetingId: Number(match[1]), channel: match[2] as MediaChannelName };
}
