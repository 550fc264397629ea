import type { TagInfo, TagSink, TagSource, TagValue } from './types';
import { TagError } from './types';
import { DEFAULT_MAX_VALUE_BYTES, valueProblem } from './value-size';

export const FLOW_TAG_SOURCE_ID = 'flow';

/**
 * Tags that flows create by publishing (`ws-gateway-out` publish) and that clients may write.
 * A tag exists from its first publish on. Subscribers hear a change only when the value or the quality
 * differs from the last one, so a flow that republishes the same reading every second does not flood clients.
 */
export class FlowTagSource implements TagSource {
  readonly id = FLOW_TAG_SOURCE_ID;
  private readonly values = new Map<string, TagValue>();
  private readonly infos = new Map<string, TagInfo>();
  private sink: TagSink | undefined;
  private readonly maxValueBytes: number;

  /** `maxValueBytes`: largest value (JSON size) a publish may carry; bigger ones are refused with `bad-value`. */
  constructor(options: { maxValueBytes?: number } = {}) {
    this.maxValueBytes = options.maxValueBytes ?? DEFAULT_MAX_VALUE_BYTES;
  }

  attach(sink: TagSink): void {
    this.sink = sink;
  }

  detach(): void {
    this.sink = undefined;
  }

  list(): TagInfo[] {
    return [...this.infos.values()];
  }

  info(name: string): TagInfo | undefined {
    return this.infos.get(name);
  }

  async read(names: readonly string[]): Promise<TagValue[]> {
    return names.map((name) => {
      const value = this.values.get(name);
      if (!value) throw new TagError('unknown-tag', `unknown tag ${name}`);
      return value;
    });
  }

  async write(name: string, value: unknown, timestamp?: number): Promise<void> {
    if (!this.infos.has(name)) throw new TagError('unknown-tag', `unknown tag ${name}`);
    this.publish(name, value, { timestamp });
  }

  /** Sets a tag (creating it on first use). Returns true when subscribers were told. */
  publish(name: string, value: unknown, options: { timestamp?: number; quality?: TagValue['quality']; dpType?: string } = {}): boolean {
    if (name.length === 0) throw new TagError('unknown-tag', 'a tag name must not be empty');
    if (value === undefined) throw new TagError('bad-value', `tag ${name}: a value must not be undefined`);
    // Refused before it is stored: one oversized publish would otherwise sit in the value and history.
    const problem = valueProblem(value, this.maxValueBytes);
    if (problem) throw new TagError('bad-value', `tag ${name}: ${problem.message}`);
    const sample: TagValue = { value, timestamp: options.timestamp ?? Date.now(), quality: options.quality ?? 'good' };
    const previous = this.values.get(name);
    const isNew = !this.infos.has(name);
    if (isNew || options.dpType !== undefined) {
      this.infos.set(name, { name, source: this.id, dataType: dataTypeOf(value), writable: true, dpType: options.dpType ?? this.infos.get(name)?.dpType });
    }
    this.values.set(name, sample);
    if (isNew) this.sink?.tagsChanged([]);
    if (previous && previous.quality === sample.quality && sameValue(previous.value, sample.value)) return false;
    this.sink?.update(name, sample);
    return true;
  }

  /** Flow tags change only when published; there is nothing to start or stop. */
  watch(): void {}

  unwatch(): void {}
}

function dataTypeOf(value: unknown): string {
  switch (typeof value) {
    case 'number': return 'number';
    case 'boolean': return 'boolean';
    case 'string': return 'string';
    default: return 'json';
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  return JSON.stringify(a) === JSON.stringify(b);
}
