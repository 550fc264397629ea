import { randomBytes } from 'node:crypto';
import { FORBIDDEN_TEXT, zatoId, zatoTimestamp, ZatoMsgType, type ZatoFrame } from '../../zato/wire';

/** The frames a Zato channel sends (docs/protocols/zato.md), as text ready to go on the wire. */

export function sessionReply(inReplyTo: string, token: string): string {
  return frame(ZatoMsgType.sessionReply, { status: 200, in_reply_to: inReplyTo }, { token });
}

export function okReply(inReplyTo: string, data: unknown): string {
  return frame(ZatoMsgType.responseOk, { status: 200, in_reply_to: inReplyTo }, data);
}

/** A failed service: the status, the error text and a correlation id the server would log under. */
export function errorReply(inReplyTo: string, status: number, errorMessage: string): string {
  return frame(ZatoMsgType.responseError, { status, in_reply_to: inReplyTo, error_message: errorMessage }, { cid: randomBytes(12).toString('hex') });
}

/** Access refused; the connection is dropped right after it. No in_reply_to. */
export function forbidden(): string {
  return frame(ZatoMsgType.forbidden, { status: 403 }, FORBIDDEN_TEXT);
}

/** A request of the server to the client (what a flow broadcasts or sends without a request to answer). */
export function serverRequest(data: unknown): string {
  return frame(ZatoMsgType.serverRequest, {}, data);
}

/** The ping payload: a serialized zwsx.rqc meta, kept under the 125 bytes a control frame may carry. */
export function pingPayload(): string {
  return JSON.stringify({ meta: { id: zatoId('zwsx.ping').slice(0, 30), timestamp: zatoTimestamp(), msg_type: ZatoMsgType.serverRequest } });
}

function frame(msgType: string, meta: Record<string, unknown>, data: unknown): string {
  const out: ZatoFrame = { meta: { id: zatoId('zwsx.srv'), timestamp: zatoTimestamp(), msg_type: msgType, ...meta } };
  // Zato leaves data out when the payload is empty.
  if (data !== undefined && data !== null) out.data = data;
  return JSON.stringify(out);
}
