import type { NodeMessage } from 'node-red';
import { InvokeStatusError, isRecord, type ClientMode, type GatewayClient, type InvokeReply } from '../../lib/client';

export type ClientAction = 'send' | 'invoke' | 'reply';

/** msg.zato of an invoke reply: the reply frame's meta, as Zato's response object names it. */
export interface ZatoReplyMeta {
  id: string;
  in_reply_to: string;
  status: number;
  is_ok: boolean;
  msg_type: string;
  error_message?: string;
}

export interface ClientActionMessage extends NodeMessage {
  zato?: unknown;
  service?: unknown;
}

/**
 * What a Zato invocation sends: `msg.payload` when it already is `{service, request}` (the seed's
 * shape), otherwise `{service: msg.service | msg.topic | the node's service, request: msg.payload}`.
 */
export function invocationOf(msg: ClientActionMessage, service: string): Record<string, unknown> {
  if (isRecord(msg.payload) && typeof msg.payload.service === 'string') return msg.payload;
  const name = typeof msg.service === 'string' && msg.service ? msg.service : typeof msg.topic === 'string' && msg.topic ? msg.topic : service;
  if (!name) throw new Error("no service to invoke: set msg.payload.service, msg.topic or the node's service");
  return { service: name, request: msg.payload === undefined ? null : msg.payload };
}

export function replyMeta(reply: InvokeReply): ZatoReplyMeta {
  const meta: ZatoReplyMeta = { id: reply.id, in_reply_to: reply.in_reply_to, status: reply.status, is_ok: reply.is_ok, msg_type: reply.msg_type };
  if (reply.error_message !== undefined) meta.error_message = reply.error_message;
  return meta;
}

/**
 * Runs one action through an outgoing connection. Resolves with the message to emit (invoke) or
 * undefined (send, reply). On a non-200 reply msg.zato is set before the error goes to the Catch node.
 */
export async function runClientAction(client: GatewayClient, mode: ClientMode, action: ClientAction, msg: ClientActionMessage, service: string, timeoutMs?: number): Promise<NodeMessage | undefined> {
  if (action === 'reply') {
    const request = isRecord(msg.zato) && typeof msg.zato.id === 'string' ? msg.zato.id : undefined;
    if (!request) throw new Error('reply needs msg.zato.id: the request as a gateway in node emitted it');
    await client.respond(request, msg.payload);
    return undefined;
  }
  if (action === 'send') {
    await client.send(mode === 'zato' ? invocationOf(msg, service) : msg.payload);
    return undefined;
  }
  if (mode !== 'zato') {
    // Plain: the client refuses unless a correlation field says which frame is the reply.
    const reply = await client.invoke(msg.payload, timeoutMs);
    msg.payload = reply.data;
    return msg;
  }
  try {
    const reply = await client.invoke(invocationOf(msg, service), timeoutMs);
    msg.payload = reply.data;
    msg.zato = replyMeta(reply);
    return msg;
  } catch (error) {
    if (error instanceof InvokeStatusError) {
      msg.zato = replyMeta(error.reply);
      msg.payload = error.reply.data;
    }
    throw error;
  }
}
