import { ApiException, mediaPath, type mediaMethods } from '../../api';
import type { BackendContext } from '../context';
import {
  findChannelFile,
  findMeetingFiles,
  OutsideDataDirError,
  type MeetingAudioFile,
} from '../media-files';
import type { Handler } from '../server';

export type MediaHandlers = { [M in keyof typeof mediaMethods]: Handler<M> };

/**
 * Where a meeting's audio is (main/backend/media-files.ts picks MP3 over WAV). `media.sources` is
 * for the renderer (URLs, no paths); `media.file` is for the hosts that stream the bytes. Both refuse
 * files outside the data folder, and say plainly why there is nothing to play.
 */
export function mediaHandlers(ctx: BackendContext): MediaHandlers {
  const audioDirOf = (meetingId: number): string => {
    const meeting = ctx.store.meetings.get(meetingId);
    if (!meeting) throw new ApiException('NOT_FOUND', `Meeting ${meetingId} does not exist.`);
    if (!meeting.audioDir) {
      throw new ApiException(
        'NOT_FOUND',
        `Meeting ${meetingId} has no recorded audio (its transcript was imported or its audio was not kept).`,
      );
    }
    return meeting.audioDir;
  };

  const guarded = async <T>(meetingId: number, find: () => Promise<T>): Promise<T> => {
    try {
      return await find();
    } catch (error) {
      if (error instanceof OutsideDataDirError) {
        ctx.log(`media: refused ${error.path} for meeting ${meetingId}: outside the data folder`);
        throw new ApiException('NOT_FOUND', `The audio of meeting ${meetingId} is not in the data folder.`);
      }
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') throw new ApiException('NOT_FOUND', `The data folder does not exist.`);
      throw new ApiException(
        'IO_ERROR',
        `Could not read the audio of meeting ${meetingId}: ${String(error)}`,
      );
    }
  };

  return {
    'media.sources': async ({ meetingId }) => {
      const audioDir = audioDirOf(meetingId);
      const files = await guarded(meetingId, () => findMeetingFiles(ctx.dataDir, audioDir));
      if (files.length === 0) {
        throw new ApiException(
          'NOT_FOUND',
          `Meeting ${meetingId} has no audio files in ${audioDir} (nothing was captured, or they were removed).`,
        );
      }
      return {
        channels: files.map((file: MeetingAudioFile) => ({
          channel: file.channel,
          url: mediaPath(meetingId, file.channel),
          mimeType: file.mimeType,
          durationMs: file.durationMs,
          bytes: file.bytes,
          format: file.format,
        })),
      };
    },
    'media.file': async ({ meetingId, channel }) => {
      const audioDir = audioDirOf(meetingId);
      const file = await guarded(meetingId, () => findChannelFile(ctx.dataDir, audioDir, channel));
      if (!file) {
        throw new ApiException('NOT_FOUND', `Meeting ${meetingId} has no ${channel} audio.`);
      }
      return { path: file.path, mimeType: file.mimeType, bytes: file.bytes };
    },
  };
}
