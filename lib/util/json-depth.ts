/**
 * How deeply a JSON text nests, found by one linear scan of its brackets outside strings, without
 * building anything. A frame nested 100 000 levels deep parses, but every recursive step after the
 * parse (JSON.stringify of an echo, Node-RED's message clone) overflows the stack; checking the text
 * first lets each dialect refuse such a frame in its own terms before anything else touches it.
 */
export function jsonDepthExceeds(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (inString) {
      if (code === 0x5c) index++; // backslash: the next character is escaped
      else if (code === 0x22) inString = false;
      continue;
    }
    if (code === 0x22) inString = true;
    else if (code === 0x5b || code === 0x7b) {
      if (++depth > limit) return true;
    } else if (code === 0x5d || code === 0x7d) depth--;
  }
  return false;
}

/** The message every dialect gives (in its own frame) for a frame that nests too deeply. */
export function tooDeepMessage(limit: number): string {
  return `the JSON nests deeper than ${limit} levels`;
}

/** Default nesting limit of request frames and REST bodies. */
export const DEFAULT_MAX_JSON_DEPTH = 64;

/** The nesting limit a dialect applies: the endpoint's, else the default. */
export function depthLimitOf(context: { maxJsonDepth?: number }): number {
  return context.maxJsonDepth ?? DEFAULT_MAX_JSON_DEPTH;
}
