import type { TagSubscription, TagValue } from '../../tags';
import { readAvailable, valuesOf } from './dp-get';
import { distinctTags, type ResolvedElement, type WinccoaEnvironment } from './environment';
import type { Hotlink, HotlinkSink } from './hotlink';
import { encodeResult } from './results';

/**
 * One DpConnect (section 3.3): a group connect over all its elements. Any change of any of its tags sends
 * the values of every element, as WinCC OA's dpConnect work function receives them all. Hotlinks are
 * conflated per connect under back-pressure (each carries the whole group, so the latest is enough).
 */
export class GroupConnect implements Hotlink {
  private readonly latest = new Map<string, TagValue>();
  private readonly subscriptions: TagSubscription[];
  private ready = false;
  private pending = false;
  private closed = false;

  constructor(
    private readonly env: WinccoaEnvironment,
    private readonly id: number | undefined,
    private readonly elements: readonly ResolvedElement[],
    private readonly sink: HotlinkSink,
    private readonly conflationKey: string,
  ) {
    // Subscribing before the first read means no change between the read and the subscription is lost.
    this.subscriptions = distinctTags(elements).map((tag) => env.tags.subscribe(tag, (_name, value) => this.changed(tag, value)));
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
    return encodeResult('DpConnectResult', { Values: valuesOf(this.elements, this.latest) }, this.id);
  }
}
