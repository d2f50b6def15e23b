import type { transcribeMethods } from '../../api';
import type { BackendContext } from '../context';
import type { Handler } from '../server';
import { transcribeService, type TranscribeServiceOptions } from '../transcribe/service';

export type TranscribeHandlers = { [M in keyof typeof transcribeMethods]: Handler<M> };

export interface TranscribeHandlerService {
  handlers: TranscribeHandlers;
  /** Stops the running job without finalizing it (it resumes at the next start). */
  shutdown(): Promise<void>;
  /** Resolves when no job is queued or running (tests). */
  idle(): Promise<void>;
}

/** The transcribe-later contract over the job queue of main/backend/transcribe. */
export function transcribeHandlers(
  ctx: BackendContext,
  options: TranscribeServiceOptions = {},
): TranscribeHandlerService {
  const service = transcribeService(ctx, options);
  return {
    handlers: {
      'transcribe.start': ({ meetingId, language }) => service.start(meetingId, language),
      'transcribe.cancel': ({ meetingId }) => service.cancel(meetingId),
      'transcribe.status': () => ({ jobs: service.jobs() }),
    },
    shutdown: () => service.shutdown(),
    idle: () => service.idle(),
  };
}
