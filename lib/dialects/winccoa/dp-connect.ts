import type { TagSubscription, TagValue } from '../../tags';
import { readAvailable, valuesOf } from './dp-get';
import { distinctTags, type ResolvedElement, type WinccoaEnvironment } from './environment';
import { frameMessage } from '../contract';
import type { ConnectFanout, FanoutMember } from './connect-fanout';
import type { FramedHotlinkSink, Hotlink } from './hotlink';
import { encodeResult } from './results';

/**
 * One DpConnect: a group connect over all its elements. Any change of any of its tags sends
 * the values of every element, as WinCC OA's dpConnect work function receives them all. Hotlinks are
 * conflated per connect under back-pressure (each carries the whole group, so the latest is enough).
 *
 * A connect over one tag (the common case: one datapoint, or several configs of it) joins the
 * endpoint's fan-out for its element list, which encodes each change once for every such connect;
 * a connect over several tags subscribes to each and encodes its own results.
 */
export class GroupConnect implements Hotlink, FanoutMember {
  private readonly latest = new Map<string, TagValue>();
  private readonly subscriptions: TagSubscription[];
  private readonly fanout: ConnectFanout | undefined;
  private ready = false;
  private pending = false;
  private closed = false;
  /** What follows the shared part of each result: the Id (when the request had one) and the closing braces. */
  readonly tail: string;

  constructor(
    private readonly env: WinccoaEnvironment,
    private readonly id: number | undefined,
    private readonly elements: readonly ResolvedElement[],
    private readonly sink: FramedHotlinkSink,
    private readonly conflationKey: string,
  ) {
    this.tail = this.id === undefined ? '}}' : `,"Id":${this.id}}}`;
    // Subscribing before the first read means no change between the read and the subscription is lost.
    const tags = distinctTags(elements);
    if (tags.length === 1) {
      const signature = elements.map((element) => element.key).join('\n');
      this.fanout = env.connectFanouts.of(tags[0], signature, (sample) => encodePrefix(elements, sample));
      this.fanout.join(this);
      this.subscriptions = [];
    } else {
      this.subscriptions = tags.map((tag) => env.tags.subscribe(tag, (_name, value) => this.changed(tag, value)));
    }
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
    this.fanout?.leave(this);
    for (const subscription of this.subscriptions) subscription.close();
  }

  /** A change from the fan-out, with this connect's frame for it. */
  deliver(sample: TagValue, frame: Buffer): void {
    this.changed(this.elements[0].tag, sample, frame);
  }

  /** A change of one of the tags; `frame` is the result already framed by the fan-out. */
  private changed(tag: string, value: TagValue, frame?: Buffer): void {
    if (this.closed) return;
    this.latest.set(tag, value);
    if (this.ready) this.sink(frame ?? this.wireFrame(), this.conflationKey);
    else this.pending = true;
  }

  /** The result as text (the answer to the request, which goes through the reply order). */
  private text(): string {
    const sample = this.fanout && this.latest.get(this.elements[0].tag);
    return sample ? `${this.fanout.prefix(sample).toString('utf8')}${this.tail}` : this.encode();
  }

  /** The result framed for the wire. */
  private wireFrame(): Buffer {
    const sample = this.fanout && this.latest.get(this.elements[0].tag);
    return sample ? this.fanout.frame(sample, this) : frameMessage(this.encode());
  }

  private encode(): string {
    return encodeResult('DpConnectResult', { Values: valuesOf(this.elements, this.latest) }, this.id);
  }
}

/**
 * The bytes encodeResult writes before the Id: its result without an Id, less the closing `}}`, so the
 * shared frames stay whatever the one result encoder writes.
 */
function encodePrefix(elements: readonly ResolvedElement[], sample: TagValue): Buffer {
  const withoutId = encodeResult('DpConnectResult', { Values: valuesOf(elements, new Map([[elements[0].tag, sample]])) }, undefined);
  return Buffer.from(withoutId.slice(0, -'}}'.length));
}
