import { FLOW_TAG_SOURCE_ID, type TagInfo } from '../../tags';

/** Whether an element holds one value (float, int, bool, text) or a dyn (an array), or may hold either. */
export type ElementShape = 'scalar' | 'dyn' | 'any';

/** The datapoint types of WinCC OA's example project, each a single leaf of a scalar type. */
const scalarExampleTypes = new Set(['ExampleDP_Float', 'ExampleDP_Int', 'ExampleDP_Bit', 'ExampleDP_Text']);

/**
 * What an element may be set to, from its datapoint type where we know it, else from its source's data
 * type (OPC UA `Double` / `Double[]`, Modbus numbers and bits). A flow tag without a known type holds
 * whatever its flow publishes, so it takes either.
 */
export function elementShape(info: TagInfo, dpType: string | undefined): ElementShape {
  if (dpType !== undefined && scalarExampleTypes.has(dpType)) return 'scalar';
  if (info.source === FLOW_TAG_SOURCE_ID || info.dataType === undefined || info.dataType === 'json') return 'any';
  return info.dataType.endsWith('[]') ? 'dyn' : 'scalar';
}

/**
 * Why a DpSet value does not fit the element, or undefined. Only the shape is checked: WinCC OA converts
 * between its scalar types itself (a JSON number arrives as a double and becomes the element's int), but
 * an array is no float and a single value no dyn, so those are refused (-3) and nothing is written.
 */
export function elementTypeProblem(value: unknown, shape: ElementShape): string | undefined {
  if (shape === 'scalar' && Array.isArray(value)) return 'an array does not fit an element of a single value';
  if (shape === 'dyn' && value !== null && !Array.isArray(value)) return 'a dyn element takes an array';
  return undefined;
}
