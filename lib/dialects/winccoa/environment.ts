import type { TagSpace } from '../../tags';
import type { Datapoints } from './datapoints';
import { formatKey, type ConfigRef, type ElementRef } from './element-name';
import { parseElementName } from './element-name';
import type { WinccoaOptions } from './options';
import type { ConnectFanouts } from './connect-fanout';

/** What every command works with. */
export interface WinccoaEnvironment {
  tags: TagSpace;
  datapoints: Datapoints;
  options: WinccoaOptions;
  /** Single-tag DpConnects share one subscription and one encode per change (connect-fanout.ts). */
  connectFanouts: ConnectFanouts;
}

export interface ResolvedElement {
  ref: ElementRef;
  tag: string;
  /** The fully qualified result key, e.g. `System1:ExampleDP_Trend1.:_original.._value`. */
  key: string;
}

/**
 * Resolves the names of a request. Names that are malformed, name another system or a config the command
 * does not serve, or no existing element, are dropped, as the original's JNI layer dropped unknown
 * datapoints; the caller answers -2 when none is left.
 */
export function resolveElements(
  env: WinccoaEnvironment,
  names: readonly string[],
  defaultConfig: ConfigRef,
  accepts: (ref: ElementRef) => boolean,
): { elements: ResolvedElement[]; dropped: string[] } {
  const elements: ResolvedElement[] = [];
  const dropped: string[] = [];
  for (const name of names) {
    const ref = parseElementName(name, env.options.system, defaultConfig);
    const tag = ref && accepts(ref) ? env.datapoints.tagOf(ref.element) : undefined;
    if (!ref || tag === undefined) dropped.push(name);
    else elements.push({ ref, tag, key: formatKey(env.options.system, ref) });
  }
  return { elements, dropped };
}

export function distinctTags(elements: readonly ResolvedElement[]): string[] {
  return [...new Set(elements.map((element) => element.tag))];
}

export function noneExist(dropped: readonly string[]): string {
  return `none of the named elements exists: ${dropped.map((name) => JSON.stringify(name)).join(', ') || '(no names)'}`;
}
