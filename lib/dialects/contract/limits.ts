import { defaultGlobLimits, type GlobLimits } from '../../util/glob-matcher';
import { DEFAULT_MAX_JSON_DEPTH } from '../../util/json-depth';

/**
 * The bounds on what clients send that each dialect checks itself, because only the dialect parses it.
 * They are part of an endpoint's limits (EndpointLimits) and reach a dialect through its context, so
 * one endpoint's settings apply to its dialect and no dialect keeps bounds of its own.
 */
export interface DialectLimits {
  /**
   * Deepest nesting of arrays and objects a JSON frame (or REST body) may have; a dialect checks it in
   * `decode` with `jsonDepthExceeds` and answers a deeper frame with its own error, before parsing.
   */
  maxJsonDepth: number;
  /** Bounds of a glob pattern a client writes (WinCC OA's FROM '...' of a query). */
  patterns: Readonly<GlobLimits>;
  /**
   * Longest name a client may give to something it names itself (EVOK aliases): such names live in
   * memory and travel in every event, so one client must not make them arbitrarily long.
   */
  maxAliasLength: number;
}

export const defaultDialectLimits: Readonly<DialectLimits> = Object.freeze({
  maxJsonDepth: DEFAULT_MAX_JSON_DEPTH,
  patterns: defaultGlobLimits,
  maxAliasLength: 64,
});
