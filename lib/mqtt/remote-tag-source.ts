import { TagError, type TagInfo, type TagSink, type TagSource, type TagValue } from '../tags';
import type { TagMessage } from './payload';

/** What the remote source needs of the bridge: requests to a tag's owner. */
export interface OwnerRequests {
  write(owner: string, name: string, value: unknown, timestamp: number | undefined): Promise<void>;
  history(owner: string, name: string, from: number, to: number, max: number): Promise<TagValue[]>;
  /** The local ring, when the owner cannot answer a history request. */
  localHistory(name: string, from: number, to: number, max: number): TagValue[];
}

interface RemoteTag {
  info: TagInfo;
  owner: string;
  /** The sample as the owner published it. */
  published: TagValue;
  /** What the space last heard: the published sample, or a bad one while the owner or broker is gone. */
  effective: TagValue;
}

export const STATUS_OWNER_OFFLINE = 'owner offline';
export const STATUS_BROKER_UNREACHABLE = 'broker unreachable';

/**
 * The tags other instances publish, as one source of the local tag space. A tag keeps its owner's source
 * timestamp and quality; while its owner is offline or the broker is out of reach it reads `bad` (with the
 * last value and a status saying why), and it returns to the owner's sample when both are back.
 */
export class RemoteTagSource implements TagSource {
  private readonly tags = new Map<string, RemoteTag>();
  /**
   * Owners whose `online` state was heard since this connection began. Until an owner's state is heard
   * (it is retained, so it comes right after subscribing) its tags stay bad rather than show stale values as good.
   */
  private readonly onlineOwners = new Set<string>();
  private connected = false;
  private sink: TagSink | undefined;

  constructor(readonly id: string, private readonly requests: OwnerRequests) {}

  attach(sink: TagSink): void {
    this.sink = sink;
  }

  detach(): void {
    this.sink = undefined;
  }

  list(): TagInfo[] {
    return [...this.tags.values()].map((tag) => tag.info);
  }

  info(name: string): TagInfo | undefined {
    return this.tags.get(name)?.info;
  }

  ownerOf(name: string): string | undefined {
    return this.tags.get(name)?.owner;
  }

  async read(names: readonly string[]): Promise<TagValue[]> {
    return names.map((name) => {
      const tag = this.tags.get(name);
      if (!tag) throw new TagError('unknown-tag', `unknown tag ${name}`);
      return tag.effective;
    });
  }

  async write(name: string, value: unknown, timestamp?: number): Promise<void> {
    const tag = this.tags.get(name);
    if (!tag) throw new TagError('unknown-tag', `unknown tag ${name}`);
    // Refused before anything is sent: the write certainly did not happen.
    if (!this.connected) throw new TagError('source-unavailable', `tag ${name}: the MQTT broker is out of reach, write not sent`);
    if (!this.onlineOwners.has(tag.owner)) throw new TagError('source-unavailable', `tag ${name}: its owner ${tag.owner} is offline, write not sent`);
    await this.requests.write(tag.owner, name, value, timestamp);
  }

  async history(name: string, from: number, to: number, max: number): Promise<TagValue[]> {
    const tag = this.tags.get(name);
    if (!tag) throw new TagError('unknown-tag', `unknown tag ${name}`);
    if (this.connected && this.onlineOwners.has(tag.owner)) {
      try {
        return await this.requests.history(tag.owner, name, from, to, max);
      } catch {
        // The owner keeps no history for it or did not answer in time: what passed through here is the next best.
      }
    }
    return this.requests.localHistory(name, from, to, max);
  }

  /** Every imported tag is received whether watched or not: the subscription covers the import pattern. */
  watch(): void {}

  unwatch(): void {}

  /** The owner published a sample (retained or live). Identical repeats (a republish after reconnect) are not news. */
  apply(name: string, message: TagMessage): void {
    const published: TagValue = { value: message.value, timestamp: message.timestamp, quality: message.quality };
    if (message.status !== undefined) published.status = message.status;
    const info: TagInfo = { name, source: this.id, writable: message.writable };
    if (message.dataType !== undefined) info.dataType = message.dataType;
    if (message.dpType !== undefined) info.dpType = message.dpType;
    if (message.unit !== undefined) info.unit = message.unit;
    if (message.description !== undefined) info.description = message.description;
    const previous = this.tags.get(name);
    const tag: RemoteTag = { info, owner: message.owner, published, effective: published };
    tag.effective = this.effectiveOf(tag, previous?.effective);
    this.tags.set(name, tag);
    if (!previous) this.sink?.tagsChanged([]);
    if (previous && sameSample(previous.effective, tag.effective)) return;
    this.sink?.update(name, tag.effective);
  }

  /** The owner cleared the tag (empty retained message): it no longer exists. */
  remove(name: string): void {
    if (!this.tags.delete(name)) return;
    this.sink?.tagsChanged([name]);
  }

  setOwnerOnline(owner: string, online: boolean): void {
    const changed = online ? !this.onlineOwners.has(owner) : this.onlineOwners.delete(owner);
    if (online) this.onlineOwners.add(owner);
    if (changed) this.refresh((tag) => tag.owner === owner);
  }

  setConnected(connected: boolean): void {
    if (this.connected === connected) return;
    this.connected = connected;
    if (!connected) this.onlineOwners.clear();
    this.refresh(() => true);
  }

  isOwnerOnline(owner: string): boolean {
    return this.onlineOwners.has(owner);
  }

  /** Tags whose owner is `owner`, for tests and status. */
  namesOf(owner: string): string[] {
    return [...this.tags].filter(([, tag]) => tag.owner === owner).map(([name]) => name);
  }

  get size(): number {
    return this.tags.size;
  }

  private refresh(affected: (tag: RemoteTag) => boolean): void {
    for (const [name, tag] of this.tags) {
      if (!affected(tag)) continue;
      const effective = this.effectiveOf(tag, tag.effective);
      if (sameSample(effective, tag.effective)) continue;
      tag.effective = effective;
      this.sink?.update(name, effective);
    }
  }

  private effectiveOf(tag: RemoteTag, current: TagValue | undefined): TagValue {
    const reason = !this.connected ? STATUS_BROKER_UNREACHABLE : !this.onlineOwners.has(tag.owner) ? STATUS_OWNER_OFFLINE : undefined;
    if (reason === undefined) return tag.published;
    // Already bad for this reason: keep the moment it went bad.
    if (current && current.quality === 'bad' && current.status === reason && Object.is(current.value, tag.published.value)) return current;
    return { value: tag.published.value, timestamp: Date.now(), quality: 'bad', status: reason };
  }
}

function sameSample(a: TagValue, b: TagValue): boolean {
  return a.timestamp === b.timestamp && a.quality === b.quality && a.status === b.status && JSON.stringify(a.value) === JSON.stringify(b.value);
}
