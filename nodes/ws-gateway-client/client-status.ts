import type { Node } from 'node-red';
import type { ClientState } from '../../lib/client';
import type { GatewayClientNode } from './client-node';

type Translate = (key: string, substitutions?: Record<string, string | number>) => string;

const looks: Record<ClientState, { fill: 'green' | 'yellow' | 'red' | 'grey'; shape: 'dot' | 'ring' }> = {
  connected: { fill: 'green', shape: 'dot' },
  connecting: { fill: 'yellow', shape: 'ring' },
  disconnected: { fill: 'red', shape: 'ring' },
  'auth-failed': { fill: 'red', shape: 'dot' },
  stopped: { fill: 'grey', shape: 'ring' },
};

/**
 * Keeps a flow node's status dot in step with its outgoing connection: green connected, yellow
 * connecting, red down or refused. Status keys live in the ws-gateway-client catalog, shared by in and out.
 */
export function followClientStatus(node: Node, clientNode: GatewayClientNode | undefined, translate: Translate): () => void {
  const client = clientNode?.client;
  if (!clientNode || !client) {
    node.status({ fill: 'red', shape: 'ring', text: shorten(clientNode?.failure ?? translate('status.no-client')) });
    return () => {};
  }
  const show = (state: ClientState): void => {
    node.status({ ...looks[state], text: translate(`status.${state}`) });
  };
  show(client.state);
  client.on('state', show);
  return () => { client.off('state', show); };
}

function shorten(text: string): string {
  return text.length > 32 ? `${text.slice(0, 31)}…` : text;
}
