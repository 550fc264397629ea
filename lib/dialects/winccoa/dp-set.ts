import { defaultConfigs } from './element-name';
import { noneExist, resolveElements, type WinccoaEnvironment } from './environment';
import { elementShape, elementTypeProblem } from './element-types';
import { failureOf, WinccoaError, WinccoaFailure } from './error-codes';
import { invalid, readFlag, type Body } from './request-fields';
import { parseTime } from './time-format';
import { isWritableValue } from './values';
import { valueProblem } from '../../tags';

/** Reads the Wait flag before anything else can fail, so a failure is answered whatever the request held. */
export function dpSetWaits(body: Body): boolean {
  try {
    return readFlag(body, 'Wait');
  } catch {
    return true;
  }
}

/**
 * DpSet: writes every named element through the tag space and resolves once every source
 * has confirmed. Only `_original.._value` is writable. Permissions are checked for all elements before
 * the first write, so a refused request writes nothing.
 */
export async function dpSet(env: WinccoaEnvironment, body: Body, user: string | undefined): Promise<void> {
  const items = body.Values;
  if (!Array.isArray(items)) throw invalid('Values must be an array of {"Dp": name, "Value": value}');
  let timestamp: number | undefined;
  if (body.Timestamp !== undefined && body.Timestamp !== null) {
    timestamp = parseTime(body.Timestamp, env.options.timeZone);
    if (timestamp === undefined) throw invalid(`Timestamp is no time: ${JSON.stringify(body.Timestamp)} (use yyyy-MM-ddTHH:mm:ss.SSS)`);
  }
  const names: string[] = [];
  const values: unknown[] = [];
  for (const item of items) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) throw invalid('each entry of Values must be {"Dp": name, "Value": value}');
    const { Dp: dp, Value: value } = item as Record<string, unknown>;
    if (typeof dp !== 'string') throw invalid('each entry of Values needs a Dp name');
    if (!('Value' in item) || !isWritableValue(value)) throw invalid(`unsupported Value for ${dp}: strings, numbers, booleans, null and arrays of them`);
    // Every Value is checked before the first write, so one too large or out of range (1e400) writes nothing.
    const problem = valueProblem(value, env.tags.maxValueBytes);
    if (problem) throw invalid(`Value for ${dp}: ${problem.message}`);
    names.push(dp);
    values.push(value);
  }
  const writable = (ref: { config: string; attribute: string }): boolean => ref.config === '_original' && ref.attribute === '_value';
  const resolved = names.map((name, index) => ({ ...resolveElements(env, [name], defaultConfigs.get, writable), value: values[index] }));
  const targets = resolved.flatMap((entry) => entry.elements.map((element) => ({ element, value: entry.value })));
  if (targets.length === 0) throw new WinccoaFailure(WinccoaError.noElements, noneExist(names));
  // The element's type is checked for every target before anything is written, as the values were above.
  for (const { element, value } of targets) {
    const info = env.tags.info(element.tag);
    const problem = info ? elementTypeProblem(value, elementShape(info, env.datapoints.dpTypeOf(info))) : undefined;
    if (problem) throw invalid(`Value for ${element.ref.element}: ${problem}`);
  }
  for (const { element } of targets) {
    const info = env.tags.info(element.tag);
    if (info && !info.writable) throw new WinccoaFailure(WinccoaError.writeRefused, `${element.ref.element} is read-only`);
    if (!env.options.writeAccess.allows(user, [element.tag, element.ref.element])) {
      throw new WinccoaFailure(WinccoaError.writeRefused, `user ${user ?? '(anonymous)'} may not write ${element.ref.element}`);
    }
  }
  const settled = await Promise.allSettled(targets.map(({ element, value }) => env.tags.write(element.tag, value, timestamp)));
  const failures = settled.flatMap((result, index) => (result.status === 'rejected' ? [{ index, failure: failureOf(result.reason) }] : []));
  if (failures.length === 0) return;
  // One Error for the request: "outcome unknown" wins, since the client must read back before retrying.
  const unknown = failures.find(({ failure }) => failure.code === WinccoaError.writeOutcomeUnknown);
  const { index, failure } = unknown ?? failures[0];
  const text = `${targets[index].element.ref.element}: ${failure.message}`;
  if (unknown) throw new WinccoaFailure(WinccoaError.writeOutcomeUnknown, text);
  // Some values written and some not: the request as a whole did not fail cleanly.
  if (failures.length < targets.length) throw new WinccoaFailure(WinccoaError.writeOutcomeUnknown, `${text}; the other values were written`);
  throw new WinccoaFailure(failure.code, text);
}
