import type { Node, NodeAPI, NodeDef, NodeMessage } from 'node-red';
import type { ReplyContext } from '../../lib/dialects/contract';
import { SessionClosedError } from '../../lib/server';
import { runtimeTags, type TagSettings } from '../shared/runtime-tags';
import { tagSpaceUsers } from '../shared/tag-space-users';
import type { GatewayServerNode } from '../shared/server-node';
import { followServerStatus } from '../shared/status';
import { FLOW_TAG_SOURCE_ID, TagError } from '../../lib/tags';
import type { GatewayClientNode } from '../ws-gateway-client/client-node';
import { followClientStatus } from '../ws-gateway-client/client-status';
import { runClientAction, type ClientAction } from './client-actions';
import { asError } from '../../lib/util/errors';
import { writtenByFlow } from '../../lib/util/turn-flusher';

type OutAction = 'reply' | 'broadcast' | 'publish';

interface OutDef extends NodeDef {
  /** 'server' (reply / broadcast / publish) or 'client' (send / invoke / reply through a ws-gateway-client). */
  via?: 'server' | 'client';
  server: string;
  client?: string;
  action: OutAction | 'send' | 'invoke';
  topic: string;
  /** Client, Zato mode: the service invoked when msg.payload is not already {service, request}. */
  service?: string;
}

interface GatewayOutMessage extends NodeMessage {
  _session?: { id?: unknown };
  /** As ws-gateway-in emitted it: `handle` names the request answered; a flow may add `status` / `error`. */
  gateway?: { handle?: unknown; status?: unknown; error?: unknown };
  timestamp?: unknown;
}

export = function registerGatewayOut(RED: NodeAPI): void {
  function GatewayOut(this: Node, config: OutDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const translate = (key: string, substitutions?: Record<string, string | number>): string => RED._(`ws-gateway-out.${key}`, substitutions);
    if (config.via === 'client') {
      clientOut(node, config, translate);
      return;
    }
    const server = RED.nodes.getNode(config.server) as GatewayServerNode | null;
    const action: OutAction = config.action === 'broadcast' || config.action === 'publish' ? config.action : 'reply';
    // Publishing needs only the tag space; replies and broadcasts need a server.
    const detachStatus = action === 'publish' && !server ? () => {} : followServerStatus(node, server ?? undefined, translate);
    const tags = runtimeTags(RED.settings as unknown as TagSettings);
    // A publish may name any tag (an OPC UA variable, a Modbus circuit): those connections stay open.
    const tagSpaceHold = action === 'publish' ? tagSpaceUsers().acquire() : undefined;

    node.on('input', (message: NodeMessage, _send: (msg: NodeMessage) => void, done: (error?: Error) => void) => {
      const msg = message as GatewayOutMessage;
      try {
        if (action === 'publish') {
          publish(msg).then(() => done(), (error: unknown) => done(asError(error)));
          return;
        }
        const endpoint = server?.endpoint;
        if (!endpoint) throw new Error(server?.failure ?? translate('errors.no-server'));
        // Node-RED hands each message over in a callback of its own: the frames of one turn leave together.
        if (action === 'broadcast') {
          writtenByFlow(() => endpoint.broadcast(msg.payload));
        } else {
          const sessionId = msg._session?.id;
          if (typeof sessionId !== 'string') throw new Error(translate('errors.no-session'));
          writtenByFlow(() => endpoint.reply(sessionId, msg.payload, replyContext(msg)));
        }
        done();
      } catch (error) {
        if (error instanceof SessionClosedError) return done(new Error(translate('errors.session-closed', { id: error.sessionId })));
        done(asError(error));
      }
    });

    /** A flow tag is set (and created); a tag of another source (OPC UA, Modbus) is written to it. */
    async function publish(msg: GatewayOutMessage): Promise<void> {
      const topic = typeof msg.topic === 'string' && msg.topic.length > 0 ? msg.topic : config.topic;
      if (!topic) throw new Error(translate('errors.no-topic'));
      const timestamp = typeof msg.timestamp === 'number' ? msg.timestamp : undefined;
      try {
        const owner = tags.space.info(topic)?.source;
        if (owner === undefined || owner === FLOW_TAG_SOURCE_ID) writtenByFlow(() => tags.flowTags.publish(topic, msg.payload, { timestamp }));
        else await tags.space.write(topic, msg.payload, timestamp);
      } catch (error) {
        // A write that was sent and not answered did not simply fail: the flow must not assume it can resend.
        const key = error instanceof TagError && error.code === 'write-unknown' ? 'errors.publish-unknown' : 'errors.publish-failed';
        throw new Error(translate(key, { topic, error: asError(error).message }), { cause: error });
      }
    }

    node.on('close', (done: () => void) => {
      detachStatus();
      tagSpaceHold?.release();
      done();
    });
  }

  /** Send, invoke (the reply goes to the output) or answer a server's request through a ws-gateway-client. */
  function clientOut(node: Node, config: OutDef, translate: (key: string, substitutions?: Record<string, string | number>) => string): void {
    const clientNode = RED.nodes.getNode(config.client ?? '') as GatewayClientNode | null;
    // The connection opens for its first user and closes after the last (redeploys hand it over).
    const hold = clientNode?.acquire();
    const detachStatus = followClientStatus(node, clientNode ?? undefined, translate);
    const action: ClientAction = config.action === 'invoke' || config.action === 'reply' ? config.action : 'send';
    const service = (config.service ?? '').trim();
    node.on('input', (msg: NodeMessage, send: (msg: NodeMessage) => void, done: (error?: Error) => void) => {
      const client = hold?.resource;
      if (!clientNode || !client) {
        done(new Error(clientNode?.failure ?? translate('errors.no-client')));
        return;
      }
      runClientAction(client, clientNode.mode, action, msg, service).then((reply) => {
        if (reply) send(reply);
        done();
      }, (error: unknown) => done(asError(error)));
    });
    node.on('close', (done: () => void) => {
      detachStatus();
      hold?.release();
      done();
    });
  }

  RED.nodes.registerType('ws-gateway-out', GatewayOut);
};

/** What the reply says about the request it answers (Zato correlates replies by request id). */
function replyContext(msg: GatewayOutMessage): ReplyContext {
  const context: ReplyContext = {};
  const gateway = msg.gateway;
  if (typeof gateway !== 'object' || gateway === null) return context;
  if (typeof gateway.handle === 'string' || typeof gateway.handle === 'number') context.handle = gateway.handle;
  if (typeof gateway.status === 'number') context.status = gateway.status;
  if (typeof gateway.error === 'string') context.error = gateway.error;
  return context;
}
