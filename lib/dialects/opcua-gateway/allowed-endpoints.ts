import { compileGlob, type GlobMatcher, type GlobSyntax } from '../../util/glob-matcher';

/**
 * Only `*` is a wildcard in an endpoint URL (`?` starts a query). It stops at line breaks, as the
 * RegExp `.*` these entries once became did.
 */
const endpointSyntax: GlobSyntax = { separators: '\n\r\u2028\u2029' };

/**
 * Where gateway sessions may go: the URLs of the server's `gatewayEndpoints` option
 * (comma or newline separated; `*` matches any run of characters, e.g. `opc.tcp://10.0.0.*:4840`).
 * Nothing configured means nothing allowed: the gateway is no open relay.
 */
export class AllowedEndpoints {
  private readonly patterns: GlobMatcher[];

  /** Throws PatternError for an entry over the glob limits (the server node then fails to start). */
  constructor(readonly entries: readonly string[]) {
    this.patterns = entries.map((entry) => compileGlob(normalise(entry), endpointSyntax));
  }

  static parse(text: unknown): AllowedEndpoints {
    const entries = typeof text === 'string' ? text.split(/[\n,]/).map((entry) => entry.trim()).filter((entry) => entry.length > 0) : [];
    return new AllowedEndpoints(entries);
  }

  allows(url: string): boolean {
    const candidate = normalise(url);
    return this.patterns.some((pattern) => pattern.matches(candidate));
  }
}

/**
 * Scheme and host compare case-insensitively, and a trailing slash makes no difference. Split by hand:
 * the RegExp `^([a-z.]+:\/\/)([^/]*)(.*)$` this once was, and `/\/+$/`, take quadratic time on a
 * client's URL such as `opc.tcp://aaaa...a/\n/` or `////...x`.
 */
function normalise(url: string): string {
  const text = url.trim();
  const schemeEnd = text.indexOf('://');
  if (schemeEnd <= 0 || !isSchemeText(text.slice(0, schemeEnd))) return text;
  const hostStart = schemeEnd + 3;
  const slash = text.indexOf('/', hostStart);
  const hostEnd = slash < 0 ? text.length : slash;
  const rest = text.slice(hostEnd);
  // Such a URL did not match that RegExp (`.` stops at line breaks) and stayed as it was.
  if (/[\n\r\u2028\u2029]/.test(rest)) return text;
  return `${text.slice(0, hostStart).toLowerCase()}${text.slice(hostStart, hostEnd).toLowerCase()}${withoutTrailingSlashes(rest)}`;
}

function isSchemeText(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i) | 0x20;
    if (!((code >= 0x61 && code <= 0x7a) || text[i] === '.')) return false;
  }
  return true;
}

function withoutTrailingSlashes(text: string): string {
  let end = text.length;
  while (end > 0 && text.charCodeAt(end - 1) === 0x2f) end--;
  return text.slice(0, end);
}
