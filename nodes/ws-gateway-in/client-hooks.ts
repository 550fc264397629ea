import type { NodeMessage } from 'node-red';
import { closeContext, connectContext, messageContext, type ClientCloseEvent, type ClientMessageEvent, type GatewayClient, type HookContext } from '../../lib/client';
import type { HookEvent, HookMode } from '../../lib/server';
import { compilePattern } from '../../lib/tags/tag-pattern';
import { messageId } from '../shared/message-id';

/** What ws-gateway-in emits for an outgoing connection (the same msg as for a server's clients, plus Zato's ctx). */
export interface ClientHookMessage extends NodeMessage {
  hook: 'CONNECT' | 'MESSAGE' | 'CLOSE';
  payload: unknown;
  /** Zato's hook ctx: {type: connect | message | close, data, code, reason}. */
  ctx: HookContext;
  gateway: { client: string; mode: string; type: string };
  /** Zato mode MESSAGE: the server's request; answer it through a gateway out (reply) on the same client. */
  zato?: { id: string; timestamp?: string; msg_type: string };
}

export interface ClientHookOptions {
  clientId: string;
  events: readonly HookEvent[];
  mode: HookMode;
  filterType: string;
  send(msg: ClientHookMessage): void;
}

/**
 * Turns the CONNECT / MESSAGE / CLOSE events of an outgoing connection into messages. In handle mode
 * the node claims the server's requests, so the flow answers them; otherwise the client answers null.
 * Returns the function that detaches the listeners (on close and redeploy).
 */
export function attachClientHooks(client: GatewayClient, options: ClientHookOptions): () => void {
  const events = new Set(options.events);
  const typeMatches = compilePattern(options.filterType);
  const base = (type: string): ClientHookMessage['gateway'] => ({ client: options.clientId, mode: client.options.mode, type });

  const onConnect = (): void => {
    if (events.has('CONNECT')) options.send({ _msgid: messageId(), hook: 'CONNECT', payload: {}, ctx: connectContext(), gateway: base('') });
  };
  const onMessage = (event: ClientMessageEvent): void => {
    if (!events.has('MESSAGE') || !typeMatches(event.type)) return;
    const msg: ClientHookMessage = { _msgid: messageId(), hook: 'MESSAGE', payload: event.data, ctx: messageContext(event.data), gateway: base(event.type) };
    if (event.request) {
      msg.zato = { id: event.request.id, msg_type: event.request.msgType };
      if (event.request.timestamp !== undefined) msg.zato.timestamp = event.request.timestamp;
      if (options.mode === 'handle') event.claim();
    }
    options.send(msg);
  };
  const onClose = (event: ClientCloseEvent): void => {
    if (events.has('CLOSE')) options.send({ _msgid: messageId(), hook: 'CLOSE', payload: { code: event.code, reason: event.reason }, ctx: closeContext(event.code, event.reason), gateway: base('') });
  };
  client.on('connect', onConnect);
  client.on('message', onMessage);
  client.on('close', onClose);
  return () => {
    client.off('connect', onConnect);
    client.off('message', onMessage);
    client.off('close', onClose);
  };
}
