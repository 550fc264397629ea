import type { Quality, TagErrorCode, TagInfo, TagValue } from '../tags';

/**
 * The retained JSON of `<prefix>/<tag path>`:
 *   {"value": 21.5, "timestamp": 1733500000000, "quality": "good", "owner": "plant-a",
 *    "writable": true, "dataType": "Double"}
 * `timestamp` is the source time in milliseconds since the epoch; `status` is present when the quality
 * is not plain good; `dataType`, `dpType`, `unit` and `description` when the owner's source knows them.
 * An empty retained message means the owner no longer has the tag.
 */
export interface TagMessage {
  value: unknown;
  timestamp: number;
  quality: Quality;
  status?: string;
  owner: string;
  writable: boolean;
  dataType?: string;
  dpType?: string;
  unit?: string;
  description?: string;
}

/** `<prefix>/$instances/<id>`: `{"state":"online","timestamp":...}`; the Last Will says `{"state":"offline"}`. */
export interface InstanceMessage {
  state: 'online' | 'offline';
  timestamp?: number;
}

export interface WriteRequest {
  tag: string;
  value: unknown;
  timestamp?: number;
}

export interface HistoryRequest {
  tag: string;
  from: number;
  to: number;
  max: number;
}

/** The owner's answer to a request; `code` is a tag error code (`write-unknown` when the device did not answer). */
export type Reply =
  | { ok: true; samples?: TagValue[] }
  | { ok: false; code: TagErrorCode; message: string };

export function tagMessage(owner: string, info: TagInfo | undefined, sample: TagValue): TagMessage {
  const message: TagMessage = { value: sample.value, timestamp: sample.timestamp, quality: sample.quality, owner, writable: info?.writable ?? false };
  if (sample.status !== undefined) message.status = sample.status;
  if (info?.dataType !== undefined) message.dataType = info.dataType;
  if (info?.dpType !== undefined) message.dpType = info.dpType;
  if (info?.unit !== undefined) message.unit = info.unit;
  if (info?.description !== undefined) message.description = info.description;
  return message;
}

const QUALITIES: ReadonlySet<string> = new Set(['good', 'uncertain', 'bad']);
const ERROR_CODES: ReadonlySet<string> = new Set(['unknown-tag', 'read-only', 'bad-value', 'source-unavailable', 'write-failed', 'write-unknown', 'source-conflict']);

function parseObject(payload: Buffer): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(payload.toString('utf8'));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

const optionalString = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** A tag message, or undefined when the payload is not one (ignored: nothing the owner did not produce enters the space). */
export function parseTagMessage(payload: Buffer): TagMessage | undefined {
  const raw = parseObject(payload);
  if (!raw || !('value' in raw) || typeof raw.timestamp !== 'number' || !Number.isFinite(raw.timestamp)) return undefined;
  if (typeof raw.quality !== 'string' || !QUALITIES.has(raw.quality) || typeof raw.owner !== 'string' || raw.owner === '') return undefined;
  const message: TagMessage = { value: raw.value, timestamp: raw.timestamp, quality: raw.quality as Quality, owner: raw.owner, writable: raw.writable === true };
  for (const key of ['status', 'dataType', 'dpType', 'unit', 'description'] as const) {
    const text = optionalString(raw[key]);
    if (text !== undefined) message[key] = text;
  }
  return message;
}

export function parseInstanceMessage(payload: Buffer): InstanceMessage | undefined {
  const raw = parseObject(payload);
  if (!raw || (raw.state !== 'online' && raw.state !== 'offline')) return undefined;
  return { state: raw.state, timestamp: typeof raw.timestamp === 'number' ? raw.timestamp : undefined };
}

export function parseWriteRequest(payload: Buffer): WriteRequest | undefined {
  const raw = parseObject(payload);
  if (!raw || typeof raw.tag !== 'string' || !('value' in raw)) return undefined;
  return { tag: raw.tag, value: raw.value, timestamp: typeof raw.timestamp === 'number' ? raw.timestamp : undefined };
}

export function parseHistoryRequest(payload: Buffer): HistoryRequest | undefined {
  const raw = parseObject(payload);
  if (!raw || typeof raw.tag !== 'string') return undefined;
  const { from, to, max } = raw;
  if (typeof from !== 'number' || typeof to !== 'number' || typeof max !== 'number') return undefined;
  return { tag: raw.tag, from, to, max };
}

export function parseReply(payload: Buffer): Reply | undefined {
  const raw = parseObject(payload);
  if (!raw) return undefined;
  if (raw.ok === true) return Array.isArray(raw.samples) ? { ok: true, samples: raw.samples.filter(isSample) } : { ok: true };
  if (raw.ok === false && typeof raw.code === 'string' && ERROR_CODES.has(raw.code)) {
    return { ok: false, code: raw.code as TagErrorCode, message: typeof raw.message === 'string' ? raw.message : raw.code };
  }
  return undefined;
}

function isSample(value: unknown): value is TagValue {
  const sample = value as Partial<TagValue> | null;
  return typeof sample === 'object' && sample !== null && typeof sample.timestamp === 'number' && typeof sample.quality === 'string' && QUALITIES.has(sample.quality);
}
