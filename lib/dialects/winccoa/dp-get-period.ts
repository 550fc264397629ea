import type { TagValue } from '../../tags';
import { defaultConfigs } from './element-name';
import { distinctTags, noneExist, resolveElements, type WinccoaEnvironment } from './environment';
import { failureOf, WinccoaError, WinccoaFailure } from './error-codes';
import { invalid, readInteger, readStringList, type Body } from './request-fields';
import type { ResultBody } from './results';
import { formatTime, parseTime } from './time-format';
import { attributeOf, type JsonValue } from './values';

// Bounds of the searches for Count values outside T1..T2, inside what every archive can encode (OPC UA
// DateTime counts 100 ns ticks from 1601 in 64 bits).
const earliest = Date.UTC(1900, 0, 1);
const latest = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * DpGetPeriod: the history of each element between T1 and T2 from TagSpace.history (a
 * source's own archive, e.g. OPC UA HistoryRead, or the tag space's ring), plus `Count` values before T1
 * and after T2, shaped by `Ts`. Elements without values in the range are left out of `Values`.
 */
export async function dpGetPeriod(env: WinccoaEnvironment, body: Body): Promise<ResultBody> {
  const names = readStringList(body, 'Dps');
  const from = requiredTime(env, body, 'T1');
  const to = requiredTime(env, body, 'T2');
  if (from > to) throw invalid('T1 is after T2');
  const count = readInteger(body, 'Count', 0, 0, 1_000_000);
  const ts = readInteger(body, 'Ts', 0, 0, 4);
  // Any config names the archive here: WinCC OA answers dpGetPeriod from it whatever config is written.
  const { elements, dropped } = resolveElements(env, names, defaultConfigs.period, () => true);
  if (elements.length === 0) throw new WinccoaFailure(WinccoaError.noElements, noneExist(dropped));
  const histories = new Map<string, TagValue[]>();
  try {
    await Promise.all(distinctTags(elements).map(async (tag) => {
      const inRange = await env.tags.history(tag, from, to, 0);
      const before = count > 0 ? (await env.tags.history(tag, earliest, from - 1, 0)).slice(-count) : [];
      const after = count > 0 ? await env.tags.history(tag, to + 1, latest, count) : [];
      histories.set(tag, [...before, ...inRange, ...after]);
    }));
  } catch (error) {
    throw failureOf(error);
  }
  const values: Record<string, JsonValue> = {};
  for (const element of elements) {
    const samples = histories.get(element.tag) ?? [];
    if (samples.length > 0) values[element.key] = shape(samples, element.ref.attribute, effectiveTs(ts, env.options.swapTs), env);
  }
  return { Values: values };
}

function requiredTime(env: WinccoaEnvironment, body: Body, field: 'T1' | 'T2'): number {
  const time = parseTime(body[field], env.options.timeZone);
  if (time === undefined) throw invalid(`${field} is missing or no time: ${JSON.stringify(body[field])} (use yyyy-MM-ddTHH:mm:ss.SSS)`);
  return time;
}

/** The README's 1 = ms and 2 = date string, or the shipped binary's swap of the two. */
function effectiveTs(ts: number, swap: boolean): number {
  if (!swap) return ts;
  return ts === 1 ? 2 : ts === 2 ? 1 : ts;
}

function shape(samples: TagValue[], attribute: Parameters<typeof attributeOf>[1], ts: number, env: WinccoaEnvironment): JsonValue {
  const values = samples.map((sample) => attributeOf(sample, attribute));
  const times = (asText: boolean): JsonValue[] =>
    samples.map((sample) => (asText ? formatTime(sample.timestamp, env.options.timeZone) : sample.timestamp));
  switch (ts) {
    case 1: return times(false).map((time, index) => [time, values[index]]);
    case 2: return times(true).map((time, index) => [time, values[index]]);
    case 3: return [times(false), values];
    case 4: return [times(true), values];
    default: return values;
  }
}
