import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { HookDelivery, HookEvent, HookMode } from '../../lib/server';
import type { GatewayServerNode } from '../shared/server-node';
import { followServerStatus } from '../shared/status';
import type { GatewayClientNode } from '../ws-gateway-client/client-node';
import { followClientStatus } from '../ws-gateway-client/client-status';
import { PatternError } from '../../lib/util/glob-matcher';
import { attachClientHooks } from './client-hooks';
import { messageId } from '../shared/message-id';

interface InDef extends NodeDef {
  /** 'server' (clients of a ws-gateway-server) or 'client' (an outgoing ws-gateway-client); old flows: server. */
  via?: 'server' | 'client';
  server: string;
  client?: string;
  hookConnect: boolean;
  hookMessage: boolean;
  hookClose: boolean;
  hookError: boolean;
  mode: HookMode;
  filterType: string;
  filterTopic: string;
  filterDevice: string;
}

/** The message ws-gateway-in emits; the names are the same for every dialect, so flows port between them. */
interface GatewayInMessage extends NodeMessage {
  hook: HookDelivery['hook'];
  payload: unknown;
  _session: HookDelivery['session'];
  gateway: { dialect: string; type: string; handle?: string | number; request?: string; inReplyTo?: string };
  topic?: string;
}

export = function registerGatewayIn(RED: NodeAPI): void {
  function GatewayIn(this: Node, config: InDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const translate = (key: string, substitutions?: Record<string, string | number>): string => RED._(`ws-gateway-in.${key}`, substitutions);
    const events: HookEvent[] = [];
    if (config.hookConnect) events.push('CONNECT');
    if (config.hookMessage) events.push('MESSAGE');
    if (config.hookClose) events.push('CLOSE');
    if (config.hookError) events.push('ERROR');

    /** A filter over the pattern limits leaves the node without events, said once at start. */
    const refusingBadFilter = (attach: () => () => void): () => void => {
      try {
        return attach();
      } catch (error) {
        if (!(error instanceof PatternError)) throw error;
        node.error(translate('errors.bad-filter', { error: error.message }));
        return () => {};
      }
    };

    if (config.via === 'client') {
      const clientNode = RED.nodes.getNode(config.client ?? '') as GatewayClientNode | null;
      // The connection opens for its first user and closes after the last (redeploys hand it over).
      const hold = clientNode?.acquire();
      const detachClientStatus = followClientStatus(node, clientNode ?? undefined, translate);
      if (!clientNode) node.error(translate('errors.no-client'));
      const client = hold?.resource;
      const detachHooks = client
        ? refusingBadFilter(() => attachClientHooks(client, {
            clientId: config.client ?? '',
            events,
            mode: config.mode === 'handle' ? 'handle' : 'observe',
            filterType: config.filterType,
            send: (msg) => node.send(msg),
          }))
        : () => {};
      node.on('close', (done: () => void) => {
        detachHooks();
        detachClientStatus();
        hold?.release();
        done();
      });
      return;
    }

    const server = RED.nodes.getNode(config.server) as GatewayServerNode | null;
    const detachStatus = followServerStatus(node, server ?? undefined, translate);
    if (!server) node.error(translate('errors.no-server'));

    const endpoint = server?.endpoint;
    const unregister = endpoint && refusingBadFilter(() => endpoint.hooks.register({
      events,
      mode: config.mode === 'handle' ? 'handle' : 'observe',
      filter: { type: config.filterType, topic: config.filterTopic, device: config.filterDevice },
      deliver: (delivery) => {
        const msg: GatewayInMessage = {
          _msgid: messageId(),
          hook: delivery.hook,
          payload: delivery.payload,
          _session: delivery.session,
          // ERROR events say "error" whatever the dialect; the refused request's own type goes beside it.
          gateway: { dialect: server.dialect, type: delivery.hook === 'ERROR' ? 'error' : delivery.message?.type ?? '' },
        };
        if (delivery.hook === 'ERROR' && delivery.message?.type) msg.gateway.request = delivery.message.type;
        if (delivery.message?.handle !== undefined) msg.gateway.handle = delivery.message.handle;
        if (delivery.message?.inReplyTo !== undefined) msg.gateway.inReplyTo = delivery.message.inReplyTo;
        if (delivery.message?.topic !== undefined) msg.topic = delivery.message.topic;
        node.send(msg);
      },
    }));

    node.on('close', (done: () => void) => {
      unregister?.();
      detachStatus();
      done();
    });
  }

  RED.nodes.registerType('ws-gateway-in', GatewayIn);
};
