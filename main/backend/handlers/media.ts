import type { mediaMethods } from '../../api';
import type { BackendContext } from '../context';
import type { Handler } from '../server';

export type MediaHandlers = { [M in keyof typeof mediaMethods]: Handler<M> };

export function mediaHandlers(_ctx: BackendContext): MediaHandlers {
  return {};
}
