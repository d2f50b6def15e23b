import type { transcribeMethods } from '../../api';
import type { BackendContext } from '../context';
import type { Handler } from '../server';

export type TranscribeHandlers = { [M in keyof typeof transcribeMethods]: Handler<M> };

export function transcribeHandlers(_ctx: BackendContext): TranscribeHandlers {
  return {};
}
