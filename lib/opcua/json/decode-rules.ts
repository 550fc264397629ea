import type { JsonValue } from './json-value';

/**
 * What the gateway's request decoding knows beyond node-opcua's schemas: ASNeG's defaults where they
 * differ from node-opcua's, and the fields ASNeG refuses to go without. Keys are "Structure.Field" with
 * the OPC UA (PascalCase) names, e.g. "BrowseRequest.RequestedMaxReferencesPerNode".
 */
export interface DecodeRules {
  defaults?: Readonly<Record<string, JsonValue>>;
  required?: ReadonlySet<string>;
}

export const noRules: DecodeRules = {};
