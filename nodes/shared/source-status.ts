import type { NodeStatus } from 'node-red';
import type { HookBus } from '../../lib/server';

/**
 * A config node a server serves data from (ws-gateway-modbus ...) and whose state the flow nodes of that
 * server show: a status dot, and a problem text when something was lost (a unit stopped answering).
 */
export interface StatusSource {
  readonly status: NodeStatus;
  /** Listens to status changes; returns the remover. */
  onChange(listener: (status: NodeStatus, problem?: string) => void): () => void;
}

/** Reports the problems of a server's sources to its ws-gateway-in ERROR hooks; returns the remover. */
export function forwardSourceProblems(hooks: HookBus, serverId: string, sources: readonly StatusSource[]): () => void {
  const removers = sources.map((source) => source.onChange((_status, problem) => {
    if (problem === undefined) return;
    hooks.dispatch({ hook: 'ERROR', session: { id: '', server: serverId, remote: 'source', protocol: '' }, payload: { code: 'source', message: problem } });
  }));
  return () => { for (const remove of removers) remove(); };
}
