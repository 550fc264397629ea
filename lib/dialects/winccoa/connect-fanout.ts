import type { TagSubscription, TagValue, TagSpace } from '../../tags';
import { frameTextParts } from '../contract';

/** A DpConnect that takes its changes from a fan-out: it gets the sample and its finished wire frame. */
export interface FanoutMember {
  /** What follows the shared part of the result: `,"Id":n}}`, or `}}` without an Id. */
  readonly tail: string;
  /** A change: `frame` is this member's whole wire frame for `sample`. */
  deliver(sample: TagValue, frame: Buffer): void;
}

interface TailGroup {
  tailBytes: Buffer;
  members: Set<FanoutMember>;
}

/**
 * Every single-tag DpConnect of one endpoint over the same element list, with one tag-space
 * subscription between them. A change is JSON-encoded and UTF-8 encoded once, and each member's frame
 * splices its own Id in; members with the same Id share one frame, as a broadcast shares its frame. What
 * one change costs per client is then a copy into a frame and the write: bench:winccoa measures it
 * against the broadcast path.
 */
export class ConnectFanout {
  private readonly byTail = new Map<string, TailGroup>();
  private readonly subscription: TagSubscription;
  private lastSample: TagValue | undefined;
  private lastPrefix: Buffer | undefined;

  constructor(
    tags: TagSpace,
    tag: string,
    /** The bytes before the Id for one sample: `{"DpConnectResult":{"Values":...,"Error":0`. */
    private readonly encodePrefix: (sample: TagValue) => Buffer,
    private readonly emptied: () => void,
  ) {
    this.subscription = tags.subscribe(tag, (_name, sample) => this.changed(sample));
  }

  join(member: FanoutMember): void {
    let group = this.byTail.get(member.tail);
    if (!group) {
      group = { tailBytes: Buffer.from(member.tail), members: new Set() };
      this.byTail.set(member.tail, group);
    }
    group.members.add(member);
  }

  leave(member: FanoutMember): void {
    const group = this.byTail.get(member.tail);
    if (!group?.members.delete(member)) return;
    if (group.members.size > 0) return;
    this.byTail.delete(member.tail);
    if (this.byTail.size > 0) return;
    this.subscription.close();
    this.emptied();
  }

  /** The shared bytes before the Id for `sample` (kept for the latest sample only). */
  prefix(sample: TagValue): Buffer {
    if (sample !== this.lastSample || this.lastPrefix === undefined) {
      this.lastPrefix = this.encodePrefix(sample);
      this.lastSample = sample;
    }
    return this.lastPrefix;
  }

  /** One member's frame for `sample`, e.g. for a change that came before it was ready. */
  frame(sample: TagValue, member: FanoutMember): Buffer {
    const tailBytes = this.byTail.get(member.tail)?.tailBytes ?? Buffer.from(member.tail);
    return frameTextParts([this.prefix(sample), tailBytes]);
  }

  private changed(sample: TagValue): void {
    const prefix = this.prefix(sample);
    for (const group of this.byTail.values()) {
      const frame = frameTextParts([prefix, group.tailBytes]);
      for (const member of group.members) member.deliver(sample, frame);
    }
  }
}

/** The fan-outs of one endpoint, by tag and element list; each goes when its last member leaves. */
export class ConnectFanouts {
  private readonly fanouts = new Map<string, ConnectFanout>();

  constructor(private readonly tags: TagSpace) {}

  /** The fan-out for `signature` (the tag and the element list), made on first use. */
  of(tag: string, signature: string, encodePrefix: (sample: TagValue) => Buffer): ConnectFanout {
    const key = `${tag}\n${signature}`;
    let fanout = this.fanouts.get(key);
    if (!fanout) {
      fanout = new ConnectFanout(this.tags, tag, encodePrefix, () => this.fanouts.delete(key));
      this.fanouts.set(key, fanout);
    }
    return fanout;
  }
}
