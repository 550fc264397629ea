import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { HookDelivery, HookEvent, HookMode } from '../../lib/server';
import type { GatewayServerNode } from '../shared/server-node';
import { followServerStatus } from '../shared/status';

interface InDef extends NodeDef {
  server: string;
  hookConnect: boolean;
  hookMessage: boolean;
  hookClose: boolean;
  hookError: boolean;
  mode: HookMode;
  filterType: string;
  filterTopic: string;
  filterDevice: string;
}

/** The message ws-gateway-in emits; DESIGN.md section 2 fixes these names for every dialect. */
interface GatewayInMessage extends NodeMessage {
  hook: HookDelivery['hook'];
  payload: unknown;
  _session: HookDelivery['session'];
  gateway: { dialect: string; type: string; handle?: string | number };
  topic?: string;
}

export = function registerGatewayIn(RED: NodeAPI): void {
  function GatewayIn(this: Node, config: InDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const server = RED.nodes.getNode(config.server) as GatewayServerNode | null;
    const translate = (key: string, substitutions?: Record<string, string | number>): string => RED._(`ws-gateway-in.${key}`, substitutions);
    const detachStatus = followServerStatus(node, server ?? undefined, translate);
    if (!server) node.error(translate('errors.no-server'));

    const events: HookEvent[] = [];
    if (config.hookConnect) events.push('CONNECT');
    if (config.hookMessage) events.push('MESSAGE');
    if (config.hookClose) events.push('CLOSE');
    if (config.hookError) events.push('ERROR');

    const unregister = server?.endpoint?.hooks.register({
      events,
      mode: config.mode === 'handle' ? 'handle' : 'observe',
      filter: { type: config.filterType, topic: config.filterTopic, device: config.filterDevice },
      deliver: (delivery) => {
        const msg: GatewayInMessage = {
          hook: delivery.hook,
          payload: delivery.payload,
          _session: delivery.session,
          gateway: { dialect: server.dialect, type: delivery.message?.type ?? '' },
        };
        if (delivery.message?.handle !== undefined) msg.gateway.handle = delivery.message.handle;
        if (delivery.message?.topic !== undefined) msg.topic = delivery.message.topic;
        node.send(msg);
      },
    });

    node.on('close', (done: () => void) => {
      unregister?.();
      detachStatus();
      done();
    });
  }

  RED.nodes.registerType('ws-gateway-in', GatewayIn);
};
