import type { systemMethods } from '../../api';
import type { BackendContext } from '../context';
import type { Handler } from '../server';

export type SystemHandlers = { [M in keyof typeof systemMethods]: Handler<M> };

export function systemHandlers(_ctx: BackendContext): SystemHandlers {
  return {};
}
