import { randomBytes } from 'node:crypto';
import { randomHex } from '../util/random-hex';
import { isRecord } from '../util/is-record';

/**
 * The Zato WebSocket channel wire format (docs/protocols/zato.md): every frame is one JSON text
 * frame `{"meta": {...}, "data": ...}`. Shared by the outgoing client and the `zato` dialect.
 */

/** Message types a Zato channel puts in `meta.msg_type`. */
export const ZatoMsgType = {
  /** Session created: `data.token`. */
  sessionReply: 'zwsx.rspa',
  /** A service returned. */
  responseOk: 'zwsx.rspok',
  /** A service failed: `status`, `error_message`. */
  responseError: 'zwsx.rsperr',
  /** Access refused; the channel drops the connection right after. */
  forbidden: 'zwsx.merr',
  /** A request the server sends to the client (also the payload of its pings). */
  serverRequest: 'zwsx.rqc',
  /** A pub/sub delivery. */
  pubsubDelivery: 'zwsx.psrq',
} as const;

export const ZatoAction = {
  createSession: 'create-session',
  invokeService: 'invoke-service',
  clientResponse: 'client-response',
} as const;

export interface ZatoMeta {
  [key: string]: unknown;
  id?: unknown;
  timestamp?: unknown;
  action?: unknown;
  token?: unknown;
  msg_type?: unknown;
  status?: unknown;
  in_reply_to?: unknown;
  error_message?: unknown;
}

export interface ZatoFrame {
  meta: ZatoMeta;
  data?: unknown;
}

/** The text Zato shows for refused access (our own wording of the same meaning). */
export const FORBIDDEN_TEXT = 'You are not authorized to access this resource';

/** The last timestamp formatted: frames sent in the same millisecond share it. */
const lastTimestamp = { ms: Number.NaN, text: '' };

/**
 * UTC `YYYY-MM-DDTHH:mm:ss.ffffff`, no zone: what Python's `datetime.utcnow().isoformat()` prints, so
 * our frames look like the Python client's byte for byte (JS has milliseconds; pad to microseconds).
 */
export function zatoTimestamp(date?: Date): string {
  const ms = date ? date.getTime() : Date.now();
  // Every frame carries one: formatted once per millisecond, not once per frame.
  if (ms !== lastTimestamp.ms) {
    lastTimestamp.ms = ms;
    lastTimestamp.text = `${new Date(ms).toISOString().slice(0, 23)}000`;
  }
  return lastTimestamp.text;
}

/** A unique message id with Zato 3.3's prefixes (`zwsxc.inv.<hex>`, ...); the peer only needs uniqueness. */
export function zatoId(prefix: string): string {
  return `${prefix}.${randomHex(12)}`;
}

/** The default client id of an outgoing connection: `wsx.out.<8 hex>`. */
export function defaultClientId(): string {
  return `wsx.out.${randomBytes(4).toString('hex')}`;
}

export type ParsedFrame = { ok: true; frame: ZatoFrame } | { ok: false; reason: string };

/** Parses one text frame; frames that are not JSON or have no `meta` object are refused with why. */
export function parseZatoFrame(text: string): ParsedFrame {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'not JSON' };
  }
  if (!isRecord(value) || !isRecord(value.meta)) return { ok: false, reason: 'no meta object' };
  const frame: ZatoFrame = { meta: value.meta as ZatoMeta };
  if ('data' in value) frame.data = value.data;
  return { ok: true, frame };
}

/** A string meta field, or undefined when it is missing or not a non-empty string. */
export function metaString(meta: ZatoMeta, key: string): string | undefined {
  const value = meta[key];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
