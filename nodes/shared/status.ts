import type { Node, NodeStatus } from 'node-red';
import type { GatewayServerNode } from './server-node';

type Translate = (key: string, substitutions?: Record<string, string | number>) => string;

/**
 * Keeps a flow node's status dot in step with its server: green with the client count while listening,
 * red with a short reason when the server could not start. Returns the function that detaches it.
 */
export function followServerStatus(node: Node, server: GatewayServerNode | undefined, translate: Translate): () => void {
  if (!server) {
    node.status({ fill: 'red', shape: 'ring', text: translate('status.no-server') });
    return () => {};
  }
  const endpoint = server.endpoint;
  if (!endpoint) {
    node.status({ fill: 'red', shape: 'ring', text: shorten(server.failure ?? 'error') });
    return () => {};
  }
  const show = (count: number): void => {
    if (!server.endpoint) {
      node.status({ fill: 'red', shape: 'ring', text: shorten(server.failure ?? 'error') });
      return;
    }
    // A data source in trouble (a Modbus line or unit unreachable) says more than the client count.
    const troubled = (server.statusSources ?? []).map((source) => source.status).find((status) => status.fill === 'red' || status.fill === 'yellow');
    if (troubled) {
      node.status({ ...troubled, text: shorten(String(troubled.text ?? ''), SOURCE_STATUS_MAX) });
      return;
    }
    const status: NodeStatus = { fill: count > 0 ? 'green' : 'grey', shape: 'dot', text: translate('status.clients', { count }) };
    node.status(status);
  };
  show(endpoint.clientCount);
  endpoint.on('clients', show);
  const removers = (server.statusSources ?? []).map((source) => source.onChange(() => show(server.endpoint?.clientCount ?? 0)));
  return () => {
    endpoint.off('clients', show);
    for (const remove of removers) remove();
  };
}

/**
 * A source in trouble shows its reason ("OPC UA unreachable: connect ECONNREFUSED 127.0.0.1:4841"):
 * cut at 32 characters it would end before the part a user acts on.
 */
const SOURCE_STATUS_MAX = 64;

/** Status texts should stay short; the full reason is in the log. */
function shorten(text: string, max = 32): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
