import type { TagValue } from '../../tags';
import { defaultConfigs } from './element-name';
import { distinctTags, noneExist, resolveElements, type ResolvedElement, type WinccoaEnvironment } from './environment';
import { failureOf, WinccoaError, WinccoaFailure } from './error-codes';
import { readStringList, type Body } from './request-fields';
import type { ResultBody } from './results';
import { attributeOf, type JsonValue } from './values';

/** `_original` and `_online` are current values; `_offline` belongs to DpGetPeriod. */
export function isCurrentValue(element: { config: string }): boolean {
  return element.config !== '_offline';
}

/** DpGet: the current values of the named elements, keyed by their full names. */
export async function dpGet(env: WinccoaEnvironment, body: Body): Promise<ResultBody> {
  const names = readStringList(body, 'Dps');
  const { elements, dropped } = resolveElements(env, names, defaultConfigs.get, isCurrentValue);
  if (elements.length === 0) throw new WinccoaFailure(WinccoaError.noElements, noneExist(dropped));
  const samples = await readSamples(env, distinctTags(elements));
  return { Values: valuesOf(elements, samples) };
}

/** Reads tags through the tag space (one call per source); any failure fails the whole request. */
export async function readSamples(env: WinccoaEnvironment, tags: readonly string[]): Promise<Map<string, TagValue>> {
  try {
    const samples = await env.tags.readMany(tags);
    return new Map(tags.map((tag, index) => [tag, samples[index]]));
  } catch (error) {
    throw failureOf(error);
  }
}

/** Reads what can be read, tag by tag where a whole batch fails (connect answers show what they have). */
export async function readAvailable(env: WinccoaEnvironment, tags: readonly string[]): Promise<Map<string, TagValue>> {
  try {
    return await readSamples(env, tags);
  } catch {
    const settled = await Promise.allSettled(tags.map((tag) => env.tags.read(tag)));
    const samples = new Map<string, TagValue>();
    settled.forEach((result, index) => {
      if (result.status === 'fulfilled') samples.set(tags[index], result.value);
    });
    return samples;
  }
}

export function valuesOf(elements: readonly ResolvedElement[], samples: ReadonlyMap<string, TagValue>): Record<string, JsonValue> {
  const values: Record<string, JsonValue> = {};
  for (const element of elements) {
    const sample = samples.get(element.tag);
    if (sample) values[element.key] = attributeOf(sample, element.ref.attribute);
  }
  return values;
}
