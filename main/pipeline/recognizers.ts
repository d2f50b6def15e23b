/**
 * Which recognizers a session runs, from the models installed (issue 8 item 1): a streaming model gives the
 * partials, an offline model re-decodes each final; with only an offline model it pseudo-streams (and then a
 * final pass with the same model would decode the same audio twice, so there is none); with neither, the
 * session records only and says so.
 */
import { PseudoStreamingRecognizer, type PseudoStreamingOptions } from '../engines/asr/pseudo-stream';
import type { OfflineRecognizer, StreamingRecognizer } from '../engines/asr/types';
import type { AsrMode } from './types';

export interface ResolvedRecognizers {
  mode: AsrMode;
  streaming: StreamingRecognizer | null;
  finalPass: OfflineRecognizer | null;
  /** Why there is no transcript, when mode is 'none'. */
  reason?: 'no-asr-model';
}

export function resolveRecognizers(
  streaming: StreamingRecognizer | null | undefined,
  offline: OfflineRecognizer | null | undefined,
  pseudo: PseudoStreamingOptions = {},
): ResolvedRecognizers {
  if (streaming && offline) return { mode: 'streaming+final-pass', streaming, finalPass: offline };
  if (streaming) return { mode: 'streaming', streaming, finalPass: null };
  if (offline) {
    return {
      mode: 'pseudo-streaming',
      streaming: new PseudoStreamingRecognizer(offline, pseudo),
      finalPass: null,
    };
  }
  return { mode: 'none', streaming: null, finalPass: null, reason: 'no-asr-model' };
}
