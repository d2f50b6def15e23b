import type { reviewMethods } from '../../api';
import type { BackendContext } from '../context';
import type { Handler } from '../server';

export type ReviewHandlers = { [M in keyof typeof reviewMethods]: Handler<M> };

export function reviewHandlers(_ctx: BackendContext): ReviewHandlers {
  return {};
}
