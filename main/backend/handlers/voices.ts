import type { voiceMethods } from '../../api';
import type { BackendContext } from '../context';
import type { Handler } from '../server';

export type VoiceHandlers = { [M in keyof typeof voiceMethods]: Handler<M> };

export function voiceHandlers(_ctx: BackendContext): VoiceHandlers {
  return {};
}
