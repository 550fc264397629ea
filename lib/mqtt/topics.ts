/**
 * The topic layout of the shared namespace under one prefix:
 *
 *   <prefix>/<tag path>              retained value of a tag, published by its owner only
 *   <prefix>/$instances/<instance>   retained `online` / `offline` state of an instance (offline is its Last Will)
 *   <prefix>/$write/<instance>       write requests to the owner (MQTT 5 response topic + correlation data)
 *   <prefix>/$history/<instance>     history requests to the owner
 *   <prefix>/$reply/<instance>       answers to the requests an instance sent
 *
 * A tag path keeps its `/` levels, so topics read like the tag names. Characters MQTT gives a meaning
 * (`+`, `#`, NUL) and `%` itself are written `%XX`, and so is a leading `$`, which keeps a tag named
 * `$write/...` from landing on a reserved topic.
 */

const RESERVED = '$';

export class TopicError extends Error {}

/** Checks and normalises a prefix: non-empty levels without wildcards; a trailing `/` is dropped. */
export function normalisePrefix(prefix: string): string {
  const trimmed = prefix.trim().replace(/\/+$/, '');
  if (trimmed === '') throw new TopicError('the topic prefix must not be empty');
  if (/[+#]/.test(trimmed) || trimmed.includes('\u0000')) throw new TopicError(`the topic prefix must not contain +, # or NUL: ${trimmed}`);
  if (trimmed.startsWith('$')) throw new TopicError(`the topic prefix must not start with $ (the broker's own topics): ${trimmed}`);
  return trimmed;
}

/** An instance id becomes one topic level: letters, digits, `.`, `_` and `-`, at most 64. */
export function checkInstanceId(id: string): string {
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(id)) throw new TopicError(`the client id must be 1 to 64 letters, digits, '.', '_' or '-': ${id}`);
  return id;
}

export function encodeTag(name: string): string {
  const escaped = name.replace(/[%+#]|\0/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
  return escaped.startsWith(RESERVED) ? `%24${escaped.slice(1)}` : escaped;
}

export function decodeTag(encoded: string): string {
  return encoded.replace(/%([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(parseInt(hex, 16)));
}

export class Topics {
  constructor(readonly prefix: string, readonly instance: string) {}

  tag(name: string): string {
    return `${this.prefix}/${encodeTag(name)}`;
  }

  instanceState(instance = this.instance): string {
    return `${this.prefix}/$instances/${instance}`;
  }

  writeRequests(instance = this.instance): string {
    return `${this.prefix}/$write/${instance}`;
  }

  historyRequests(instance = this.instance): string {
    return `${this.prefix}/$history/${instance}`;
  }

  replies(instance = this.instance): string {
    return `${this.prefix}/$reply/${instance}`;
  }

  get allInstanceStates(): string {
    return `${this.prefix}/$instances/+`;
  }

  /** What a topic under the prefix is: a tag (with its name), an instance state, or anything else. */
  classify(topic: string): { kind: 'tag'; name: string } | { kind: 'instance'; instance: string } | { kind: 'other' } {
    if (!topic.startsWith(`${this.prefix}/`)) return { kind: 'other' };
    const rest = topic.slice(this.prefix.length + 1);
    if (rest.startsWith(RESERVED)) {
      const instance = rest.startsWith('$instances/') ? rest.slice('$instances/'.length) : '';
      return instance !== '' && !instance.includes('/') ? { kind: 'instance', instance } : { kind: 'other' };
    }
    return { kind: 'tag', name: decodeTag(rest) };
  }

  /**
   * Subscription filters that cover every tag an import pattern (the package's tag pattern: `*`, `?`,
   * comma alternatives) can match: the literal levels before the first wildcard, then `#`. A pattern that
   * starts with a wildcard, or an empty one (everything), subscribes to the whole prefix.
   */
  importFilters(pattern: string): string[] {
    const alternatives = pattern.split(',').map((part) => part.trim()).filter((part) => part !== '');
    const whole = `${this.prefix}/#`;
    if (alternatives.length === 0) return [whole];
    const filters = new Set<string>();
    for (const alternative of alternatives) {
      const wildcard = alternative.search(/[*?]/);
      if (wildcard < 0) {
        filters.add(this.tag(alternative));
        continue;
      }
      const cut = alternative.lastIndexOf('/', wildcard);
      if (cut <= 0) return [whole];
      filters.add(`${this.prefix}/${encodeTag(alternative.slice(0, cut))}/#`);
    }
    return [...filters];
  }
}
