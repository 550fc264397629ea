/**
 * Zato's hook `ctx`, as its hook services receive it: `type` is the lower-case event name, `data` is set on
 * MESSAGE, `code` and `reason` on CLOSE. Flow logic ported from a Zato hook service can test `ctx.type`.
 */
export interface HookContext {
  type: 'connect' | 'message' | 'close';
  data?: unknown;
  code?: number;
  reason?: string;
}

export function connectContext(): HookContext {
  return { type: 'connect' };
}

export function messageContext(data: unknown): HookContext {
  return { type: 'message', data };
}

export function closeContext(code: number, reason: string): HookContext {
  return { type: 'close', code, reason };
}
