import { HistoryBudget } from './history-budget';
import { HistoryRing } from './history-ring';
import { compilePattern, type NameMatcher } from './tag-pattern';
import { TagError, type TagInfo, type TagListener, type TagSink, type TagSource, type TagSubscription, type TagValue } from './types';
import { DEFAULT_MAX_VALUE_BYTES, measureValue, valueProblem } from './value-size';

export interface TagSpaceOptions {
  /** Samples kept per tag for `history` of sources without their own history. Default 1000. */
  historySize?: number;
  /** Bytes of history kept per tag (JSON size of the values); the oldest samples go first. Default 1 MB. */
  historyBytesPerTag?: number;
  /** Bytes of history kept across all tags; the globally oldest samples go first. Default 64 MB. */
  historyBytesTotal?: number;
  /** Largest value (JSON size) one write may carry; bigger writes are refused with `bad-value`. Default 256 KB. */
  maxValueBytes?: number;
}

export const defaultTagSpaceOptions: Required<TagSpaceOptions> = {
  historySize: 1000,
  historyBytesPerTag: 1024 * 1024,
  historyBytesTotal: 64 * 1024 * 1024,
  maxValueBytes: DEFAULT_MAX_VALUE_BYTES,
};

/** What the history rings hold right now, for status and tests. */
export interface HistoryStats {
  rings: number;
  samples: number;
  bytes: number;
  /** Samples dropped to keep within the total byte bound. */
  droppedForTotal: number;
}

interface Ring {
  ring: HistoryRing;
  source: TagSource;
}

interface WatchedTag {
  listeners: Set<TagListener>;
  source: TagSource;
}

interface PatternWatch {
  matches: NameMatcher;
  listener: TagListener;
  /** The per-tag subscriptions this pattern holds, so sources produce changes for them. */
  held: Map<string, TagSubscription>;
}

/**
 * The one namespace of tags that every dialect reads, writes and subscribes to. Each name belongs to
 * exactly one source. Subscriptions are ref-counted: a source is asked to watch a tag once however many
 * clients listen, and to stop when the last one leaves. Every update lands in a bounded history ring.
 */
export class TagSpace {
  private readonly sources = new Map<string, TagSource>();
  private readonly watched = new Map<string, WatchedTag>();
  private readonly patternWatches = new Set<PatternWatch>();
  /** Listeners of tags whose source went away (redeploy); they are re-attached when the name returns. */
  private readonly orphans = new Map<string, Set<TagListener>>();
  private readonly rings = new Map<string, Ring>();
  private readonly latest = new Map<string, TagValue>();
  readonly historySize: number;
  readonly historyBytesPerTag: number;
  readonly maxValueBytes: number;
  private readonly budget: HistoryBudget;

  constructor(options: TagSpaceOptions = {}) {
    const settled = { ...defaultTagSpaceOptions, ...definedOnly(options) };
    this.historySize = settled.historySize;
    this.historyBytesPerTag = settled.historyBytesPerTag;
    this.maxValueBytes = settled.maxValueBytes;
    this.budget = new HistoryBudget(settled.historyBytesTotal);
  }

  get historyBytesTotal(): number {
    return this.budget.maxBytes;
  }

  addSource(source: TagSource): void {
    if (this.sources.has(source.id)) throw new TagError('source-conflict', `a tag source with id ${source.id} is already registered`);
    this.sources.set(source.id, source);
    const sink: TagSink = {
      update: (name, value) => this.update(source, name, value),
      tagsChanged: (gone) => {
        this.releaseVanished(source, gone);
        this.refreshPatternWatches();
      },
    };
    source.attach(sink);
    this.refreshPatternWatches();
  }

  /** Removes a source; its subscribers stay registered and resume if a source with those names returns. */
  removeSource(id: string): void {
    const source = this.sources.get(id);
    if (!source) return;
    for (const [name, watched] of this.watched) {
      if (watched.source === source) {
        source.unwatch(name);
        this.watched.delete(name);
        this.orphans.set(name, watched.listeners);
      }
    }
    for (const name of [...this.latest.keys()]) if (source.info(name)) this.latest.delete(name);
    for (const [name, held] of [...this.rings]) if (held.source === source) this.releaseRing(name);
    this.sources.delete(id);
    source.detach();
  }

  list(pattern?: string): TagInfo[] {
    const matches = compilePattern(pattern);
    const infos: TagInfo[] = [];
    for (const source of this.sources.values()) for (const info of source.list()) if (matches(info.name)) infos.push(info);
    return infos;
  }

  info(name: string): TagInfo | undefined {
    return this.ownerOf(name)?.info(name);
  }

  has(name: string): boolean {
    return this.ownerOf(name) !== undefined;
  }

  async read(name: string): Promise<TagValue> {
    const [value] = await this.readMany([name]);
    return value;
  }

  /** Reads several tags, grouped into one call per source; rejects with `unknown-tag` naming the first unknown. */
  async readMany(names: readonly string[]): Promise<TagValue[]> {
    const bySource = new Map<TagSource, number[]>();
    names.forEach((name, index) => {
      const source = this.requireOwner(name);
      const indexes = bySource.get(source) ?? [];
      indexes.push(index);
      bySource.set(source, indexes);
    });
    const results: TagValue[] = new Array<TagValue>(names.length);
    await Promise.all([...bySource].map(async ([source, indexes]) => {
      const values = await source.read(indexes.map((index) => names[index]));
      indexes.forEach((index, position) => { results[index] = values[position]; });
    }));
    return results;
  }

  /** The last value the space saw for a tag, without asking the source. */
  peek(name: string): TagValue | undefined {
    return this.latest.get(name);
  }

  async write(name: string, value: unknown, timestamp?: number): Promise<void> {
    const source = this.requireOwner(name);
    const info = source.info(name);
    if (info && !info.writable) throw new TagError('read-only', `tag ${name} is read-only`);
    this.checkValue(name, value);
    await source.write(name, value, timestamp);
  }

  /**
   * Throws `bad-value` when a value may not be written: larger than `maxValueBytes` or holding a number
   * JSON cannot carry. Checked before anything is stored or sent to a device.
   */
  checkValue(name: string, value: unknown): void {
    const problem = valueProblem(value, this.maxValueBytes);
    if (problem) throw new TagError('bad-value', `tag ${name}: ${problem.message}`);
  }

  subscribe(name: string, listener: TagListener): TagSubscription {
    const source = this.requireOwner(name);
    let watched = this.watched.get(name);
    if (!watched) {
      watched = { listeners: new Set(), source };
      this.watched.set(name, watched);
      source.watch(name);
    }
    watched.listeners.add(listener);
    let open = true;
    return {
      close: () => {
        if (!open) return;
        open = false;
        this.releaseListener(name, listener);
      },
    };
  }

  /**
   * Subscribes to every tag whose name matches the pattern, including tags that appear later.
   * Used by dialects that push "everything under line1/" to their clients. A dialect whose clients name
   * tags in their own syntax (WinCC OA element patterns) passes its own matcher instead of a glob.
   */
  subscribePattern(pattern: string | NameMatcher, listener: TagListener): TagSubscription {
    const matches = typeof pattern === 'function' ? pattern : compilePattern(pattern);
    const watch: PatternWatch = { matches, listener, held: new Map() };
    this.patternWatches.add(watch);
    this.holdMatching(watch);
    return {
      close: () => {
        if (!this.patternWatches.delete(watch)) return;
        for (const subscription of watch.held.values()) subscription.close();
        watch.held.clear();
      },
    };
  }

  async history(name: string, from: number, to: number, max: number): Promise<TagValue[]> {
    const source = this.requireOwner(name);
    if (source.history) return source.history(name, from, to, max);
    return this.rings.get(name)?.ring.query(from, to, max) ?? [];
  }

  /**
   * What this space's own ring holds for a tag, whoever owns it. A source with its own history that cannot
   * answer (an MQTT import whose owner is gone) falls back to it.
   */
  ringHistory(name: string, from: number, to: number, max: number): TagValue[] {
    return this.rings.get(name)?.ring.query(from, to, max) ?? [];
  }

  /** What all history rings hold, against `historyBytesTotal`. */
  historyStats(): HistoryStats {
    return { rings: this.rings.size, samples: this.budget.sampleCount, bytes: this.budget.bytes, droppedForTotal: this.budget.dropped };
  }

  /** One tag's ring: samples, bytes (against `historyBytesPerTag`) and samples dropped; undefined when it has none. */
  historyOf(name: string): { samples: number; bytes: number; dropped: number } | undefined {
    const held = this.rings.get(name);
    return held && { samples: held.ring.size, bytes: held.ring.bytes, dropped: held.ring.dropped };
  }

  /** Listeners on one tag: a figure for tests (fan-outs share one listener between many clients). */
  listenerCount(name: string): number {
    return this.watched.get(name)?.listeners.size ?? 0;
  }

  /** Number of distinct tags some client currently watches (for tests and status). */
  get watchedCount(): number {
    return this.watched.size;
  }

  private update(source: TagSource, name: string, value: TagValue): void {
    if (this.sources.get(source.id) !== source) return;
    this.latest.set(name, value);
    let held = this.rings.get(name);
    if (!held) {
      held = { ring: new HistoryRing(this.historySize, this.historyBytesPerTag), source };
      this.rings.set(name, held);
    }
    // Sized once here (at most one byte past the per-tag bound is walked), never again.
    this.budget.push(held.ring, value, measureValue(value.value, this.historyBytesPerTag).bytes);
    const watched = this.watched.get(name);
    if (!watched) return;
    for (const listener of [...watched.listeners]) {
      try {
        listener(name, value);
      } catch {
        // One faulty listener must not stop the others from hearing the change.
      }
    }
  }

  /** Lets go of the ring and last value of tags the source no longer has (`gone`, or all of its tags when not told). */
  private releaseVanished(source: TagSource, gone: readonly string[] | undefined): void {
    const names = gone ?? [...this.rings].filter(([, held]) => held.source === source).map(([name]) => name);
    for (const name of names) {
      if (source.info(name) || this.rings.get(name)?.source !== source) continue;
      this.releaseRing(name);
      this.latest.delete(name);
    }
  }

  private releaseRing(name: string): void {
    const held = this.rings.get(name);
    if (!held) return;
    this.rings.delete(name);
    this.budget.release(held.ring);
  }

  private releaseListener(name: string, listener: TagListener): void {
    const watched = this.watched.get(name);
    if (watched) {
      watched.listeners.delete(listener);
      if (watched.listeners.size === 0) {
        this.watched.delete(name);
        watched.source.unwatch(name);
      }
      return;
    }
    const orphaned = this.orphans.get(name);
    if (orphaned) {
      orphaned.delete(listener);
      if (orphaned.size === 0) this.orphans.delete(name);
    }
  }

  private refreshPatternWatches(): void {
    this.adoptOrphans();
    for (const watch of this.patternWatches) this.holdMatching(watch);
  }

  private adoptOrphans(): void {
    for (const [name, listeners] of this.orphans) {
      const source = this.ownerOf(name);
      if (!source) continue;
      this.orphans.delete(name);
      this.watched.set(name, { listeners, source });
      source.watch(name);
    }
  }

  private holdMatching(watch: PatternWatch): void {
    for (const source of this.sources.values()) {
      for (const info of source.list()) {
        if (watch.matches(info.name) && !watch.held.has(info.name)) {
          watch.held.set(info.name, this.subscribe(info.name, watch.listener));
        }
      }
    }
  }

  private ownerOf(name: string): TagSource | undefined {
    for (const source of this.sources.values()) if (source.info(name)) return source;
    return undefined;
  }

  private requireOwner(name: string): TagSource {
    const source = this.ownerOf(name);
    if (!source) throw new TagError('unknown-tag', `unknown tag ${name}`);
    return source;
  }
}

function definedOnly(options: TagSpaceOptions): TagSpaceOptions {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as TagSpaceOptions;
}
