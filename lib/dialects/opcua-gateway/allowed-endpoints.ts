/**
 * Where gateway sessions may go (decision 12): the URLs of the server's `gatewayEndpoints` option
 * (comma or newline separated; `*` matches any run of characters, e.g. `opc.tcp://10.0.0.*:4840`).
 * Nothing configured means nothing allowed: the gateway is no open relay.
 */
export class AllowedEndpoints {
  private readonly patterns: RegExp[];

  constructor(readonly entries: readonly string[]) {
    this.patterns = entries.map((entry) => new RegExp(`^${normalise(entry).split('*').map(escapeRegExp).join('.*')}$`));
  }

  static parse(text: unknown): AllowedEndpoints {
    const entries = typeof text === 'string' ? text.split(/[\n,]/).map((entry) => entry.trim()).filter((entry) => entry.length > 0) : [];
    return new AllowedEndpoints(entries);
  }

  allows(url: string): boolean {
    const candidate = normalise(url);
    return this.patterns.some((pattern) => pattern.test(candidate));
  }
}

/** Scheme and host compare case-insensitively, and a trailing slash makes no difference. */
function normalise(url: string): string {
  const match = /^([a-z.]+:\/\/)([^/]*)(.*)$/i.exec(url.trim());
  if (!match) return url.trim();
  const [, scheme, host, rest] = match;
  return `${scheme.toLowerCase()}${host.toLowerCase()}${rest.replace(/\/+$/, '')}`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
}
