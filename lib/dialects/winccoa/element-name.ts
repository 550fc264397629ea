/**
 * WinCC OA element names: `System1:DP.element.path:config.detail.attribute`
 * (docs/protocols/winccoa.md, 'Names'). A single-leaf datapoint's root element is written with a trailing dot
 * (`ExampleDP_Trend1.`); structured ones with dots (`pump_00001.value.speed`).
 */

export type Config = '_original' | '_online' | '_offline';
export type Attribute = '_value' | '_stime' | '_invalid' | '_status';

const configs: ReadonlySet<string> = new Set<Config>(['_original', '_online', '_offline']);
const attributes: ReadonlySet<string> = new Set<Attribute>(['_value', '_stime', '_invalid', '_status']);

export interface ConfigRef {
  config: Config;
  /** The detail number between the two dots; empty in every name clients write. */
  detail: string;
  attribute: Attribute;
}

export interface ElementRef extends ConfigRef {
  /** Canonical element without system: `ExampleDP_Trend1.`, `pump_00001.value.speed`. */
  element: string;
}

const segment = '[A-Za-z0-9_]+';
const canonicalElementPattern = new RegExp(`^${segment}\\.(?:${segment}(?:\\.${segment})*)?$`);
const bareDatapointPattern = new RegExp(`^${segment}$`);

/**
 * The canonical element for what a client wrote, or undefined when it is no element name. A bare
 * datapoint name (`ExampleDP_Trend1`) means its root element: clients leave the dot out, and nothing else could be meant.
 */
export function canonicalElement(text: string): string | undefined {
  if (canonicalElementPattern.test(text)) return text;
  if (bareDatapointPattern.test(text)) return `${text}.`;
  return undefined;
}

/** `_original.._value`, `_online.._stime`, or a config alone (`_online` = its `_value`). */
export function parseConfig(text: string): ConfigRef | undefined {
  const parts = text.split('.');
  if (parts.length === 1 && configs.has(parts[0])) return { config: parts[0] as Config, detail: '', attribute: '_value' };
  if (parts.length !== 3) return undefined;
  const [config, detail, attribute] = parts;
  if (!configs.has(config) || !attributes.has(attribute) || !/^\d*$/.test(detail)) return undefined;
  return { config: config as Config, detail, attribute: attribute as Attribute };
}

export function formatConfig(ref: ConfigRef): string {
  return `${ref.config}.${ref.detail}.${ref.attribute}`;
}

/**
 * Parses a name as oa4j splits it on `:` (1 part: element; 2 parts: element:config when a config
 * follows, else system:element; 3 parts: all), adding `defaultConfig` when none is given. Undefined
 * when the name is malformed or names another system: such names are dropped, as the original did.
 */
export function parseElementName(text: string, system: string, defaultConfig: ConfigRef): ElementRef | undefined {
  const parts = text.trim().split(':');
  let systemPart: string | undefined;
  let elementPart: string;
  let configPart: string | undefined;
  if (parts.length === 1) {
    elementPart = parts[0];
  } else if (parts.length === 2) {
    if (parts[1].startsWith('_')) [elementPart, configPart] = parts;
    else [systemPart, elementPart] = parts;
  } else if (parts.length === 3) {
    [systemPart, elementPart, configPart] = parts;
  } else {
    return undefined;
  }
  if (systemPart !== undefined && systemPart !== system) return undefined;
  const element = canonicalElement(elementPart);
  if (element === undefined) return undefined;
  const config = configPart === undefined ? defaultConfig : parseConfig(configPart);
  if (!config) return undefined;
  return { element, ...config };
}

/** The fully qualified key of a result: `System1:ExampleDP_Trend1.:_original.._value`. */
export function formatKey(system: string, ref: ElementRef): string {
  return `${system}:${ref.element}:${formatConfig(ref)}`;
}

export const defaultConfigs = {
  get: { config: '_original', detail: '', attribute: '_value' },
  connect: { config: '_online', detail: '', attribute: '_value' },
  period: { config: '_offline', detail: '', attribute: '_value' },
} as const satisfies Record<string, ConfigRef>;
