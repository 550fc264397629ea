import type { TagSubscription, TagValue } from '../../tags';
import { readAvailable, valuesOf } from './dp-get';
import { distinctTags, type ResolvedElement, type WinccoaEnvironment } from './environment';
import type { Hotlink, HotlinkSink } from './hotlink';
import { encodeResult } from './results';

/**
 * Encoded `Values` of single-tag groups, per sample and element list: when many clients connect the same
 * element, a change is encoded once and each client only adds its Id.
 */
const encodedValues = new WeakMap<TagValue, Map<string, string>>();

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

  constructor(
    private readonly env: WinccoaEnvironment,
    private readonly id: number | undefined,
    private readonly elements: readonly ResolvedElement[],
    private readonly sink: HotlinkSink,
    private readonly conflationKey: string,
  ) {
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
    return answer && !this.closed ? this.frame() : undefined;
  }

  /** Called once the answer (if any) went out: from now on changes go straight to the client. */
  open(): void {
    if (this.closed) return;
    this.ready = true;
    if (this.pending) this.sink(this.frame(), this.conflationKey);
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
    if (this.ready) this.sink(this.frame(), this.conflationKey);
    else this.pending = true;
  }

  private frame(): string {
    const sample = this.signature !== undefined ? this.latest.get(this.elements[0].tag) : undefined;
    if (sample === undefined || this.signature === undefined) return encodeResult('DpConnectResult', { Values: valuesOf(this.elements, this.latest) }, this.id);
    let bySignature = encodedValues.get(sample);
    if (!bySignature) {
      bySignature = new Map();
      encodedValues.set(sample, bySignature);
    }
    let values = bySignature.get(this.signature);
    if (values === undefined) {
      values = JSON.stringify(valuesOf(this.elements, this.latest));
      bySignature.set(this.signature, values);
    }
    // The same bytes encodeResult writes: {"DpConnectResult":{"Values":...,"Error":0[,"Id":n]}}.
    return `{"DpConnectResult":{"Values":${values},"Error":0${this.id === undefined ? '' : `,"Id":${this.id}`}}}`;
  }
}
