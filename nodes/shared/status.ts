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
    if (server.sourceProblem) {
      // Clients may be connected, but what they ask for cannot be served: say why.
      node.status({ fill: 'yellow', shape: 'ring', text: shorten(server.sourceProblem) });
      return;
    }
    const status: NodeStatus = { fill: count > 0 ? 'green' : 'grey', shape: 'dot', text: translate('status.clients', { count }) };
    node.status(status);
  };
  show(endpoint.clientCount);
  endpoint.on('clients', show);
  return () => { endpoint.off('clients', show); };
}

/** Status texts should stay short; the full reason is in the log. */
function shorten(text: string): string {
  return text.length > 32 ? `${text.slice(0, 31)}…` : text;
}
