import { zatoId, zatoTimestamp, ZatoAction, type ZatoFrame } from '../zato/wire';

/** Who we are to the channel; every client frame carries it (docs/protocols/zato.md). */
export interface ZatoIdentity {
  clientId: string;
  clientName: string;
}

function meta(identity: ZatoIdentity, action: string, id: string, token: string | undefined): ZatoFrame['meta'] {
  return { action, id, timestamp: zatoTimestamp(), token: token ?? null, client_id: identity.clientId, client_name: identity.clientName };
}

/** create-session: sent even without credentials (null user name and secret), as the channel requires. */
export function createSessionFrame(identity: ZatoIdentity, id: string, username: string | undefined, secret: string | undefined): string {
  const frame: ZatoFrame = { meta: { ...meta(identity, ZatoAction.createSession, id, undefined), username: username || null, secret: secret || null }, data: {} };
  return JSON.stringify(frame);
}

export function invokeServiceFrame(identity: ZatoIdentity, id: string, token: string | undefined, data: Record<string, unknown>): string {
  const frame: ZatoFrame = { meta: meta(identity, ZatoAction.invokeService, id, token), data };
  return JSON.stringify(frame);
}

/** The answer to a request of the server: `data.response` is the flow's answer or null. */
export function clientResponseFrame(identity: ZatoIdentity, token: string | undefined, inReplyTo: string, response: unknown): string {
  const frame: ZatoFrame = {
    meta: { ...meta(identity, ZatoAction.clientResponse, zatoId('zwsxc.rsp'), token), in_reply_to: inReplyTo },
    data: { response: response === undefined ? null : response },
  };
  return JSON.stringify(frame);
}
