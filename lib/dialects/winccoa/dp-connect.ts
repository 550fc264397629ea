import type { TagSubscription, TagValue } from '../../tags';
import { readAvailable, valuesOf } from './dp-get';
import { distinctTags, type ResolvedElement, type WinccoaEnvironment } from './environment';
import { frameMessage, frameTextParts } from '../contract';
import type { FramedHotlinkSink, Hotlink } from './hotlink';
import { encodeResult } from './results';

/** What every client connected to the same element list shares of one change. */
interface SharedResult {
  /** `{"DpConnectResult":{"Values":...,"Error":0`, the bytes before the client's Id. */
  prefix: Buffer;
  /** Finished wire frames by the client's tail (`,"Id":n}}` or `}}`): clients with the same Id share one. */
  frames: Map<string, Buffer>;
}

/**
 * Encoded results of single-tag groups, per sample and element list: when many clients connect the same
 * element, a change is encoded and UTF-8 encoded once, and each client's frame splices its own Id in
 * (as a broadcast shares its frame, but for the Id). Dropped with the sample.
 */
const sharedResults = new WeakMap<TagValue, Map<string, SharedResult>>();

/**
 * One DpConnect: a group connect over all its elements. Any change of any of its tags sends
 * the values of every element, as WinCC OA's dpConnect work function receives them all. Hotlinks are
 * conflated per connect under back-pressure (each carries the whole group, so the latest is enough).
 */
export class GroupConnect implements Hotlink {
  private readonly latest = new Map<string, TagValue>();
  private readonly subscriptions: TagSubscription[];
  private ready = false;
  private pending = false;
  private closed = false;
  /** Set for groups over one tag: the cache key of their element list. */
  private readonly signature: string | undefined;
  /** What follows the shared part of each result: the Id (when the request had one) and the closing braces. */
  private readonly tail: string;
  private readonly tailBytes: Buffer;

  constructor(
    private readonly env: WinccoaEnvironment,
    private readonly id: number | undefined,
    private readonly elements: readonly ResolvedElement[],
    private readonly sink: FramedHotlinkSink,
    private readonly conflationKey: string,
  ) {
    this.tail = this.id === undefined ? '}}' : `,"Id":${this.id}}}`;
    this.tailBytes = Buffer.from(this.tail);
    // Subscribing before the first read means no change between the read and the subscription is lost.
    const tags = distinctTags(elements);
    this.subscriptions = tags.map((tag) => env.tags.subscribe(tag, (_name, value) => this.changed(tag, value)));
    this.signature = tags.length === 1 ? elements.map((element) => `${element.key}`).join('\n') : undefined;
  }

  /** Reads the current values; with `answer` returns the first result (WinCC OA's answer). */
  async start(answer: boolean): Promise<string | undefined> {
    const missing = distinctTags(this.elements).filter((tag) => !this.latest.has(tag));
    const samples = await readAvailable(this.env, missing);
    for (const [tag, sample] of samples) if (!this.latest.has(tag)) this.latest.set(tag, sample);
    return answer && !this.closed ? this.text() : undefined;
  }

  /** Called once the answer (if any) went out: from now on changes go straight to the client. */
  open(): void {
    if (this.closed) return;
    this.ready = true;
    if (this.pending) this.sink(this.wireFrame(), this.conflationKey);
    this.pending = false;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.close();
  }

  private changed(tag: string, value: TagValue): void {
    if (this.closed) return;
    this.latest.set(tag, value);
    if (this.ready) this.sink(this.wireFrame(), this.conflationKey);
    else this.pending = true;
  }

  /** The result as text (the answer to the request, which goes through the reply order). */
  private text(): string {
    const shared = this.shared();
    return shared === undefined ? this.encode() : `${shared.prefix.toString('utf8')}${this.tail}`;
  }

  /** The result framed for the wire; for single-tag groups shared with every client of the same Id. */
  private wireFrame(): Buffer {
    const shared = this.shared();
    if (shared === undefined) return frameMessage(this.encode());
    let frame = shared.frames.get(this.tail);
    if (frame === undefined) {
      frame = frameTextParts([shared.prefix, this.tailBytes]);
      shared.frames.set(this.tail, frame);
    }
    return frame;
  }

  private encode(): string {
    return encodeResult('DpConnectResult', { Values: valuesOf(this.elements, this.latest) }, this.id);
  }

  private shared(): SharedResult | undefined {
    if (this.signature === undefined) return undefined;
    const sample = this.latest.get(this.elements[0].tag);
    if (sample === undefined) return undefined;
    let bySignature = sharedResults.get(sample);
    if (!bySignature) {
      bySignature = new Map();
      sharedResults.set(sample, bySignature);
    }
    let shared = bySignature.get(this.signature);
    if (shared === undefined) {
      // The same bytes encodeResult writes: {"DpConnectResult":{"Values":...,"Error":0[,"Id":n]}}.
      const values = JSON.stringify(valuesOf(this.elements, this.latest));
      shared = { prefix: Buffer.from(`{"DpConnectResult":{"Values":${values},"Error":0`), frames: new Map() };
      bySignature.set(this.signature, shared);
    }
    return shared;
  }
}
