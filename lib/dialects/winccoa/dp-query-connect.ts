import type { TagSubscription, TagValue } from '../../tags';
import { readAvailable } from './dp-get';
import { formatConfig } from './element-name';
import type { WinccoaEnvironment } from './environment';
import type { Hotlink, HotlinkSink } from './hotlink';
import type { ParsedQuery } from './query';
import { encodeResult } from './results';
import { attributeOf, type JsonValue } from './values';

/**
 * One DpQueryConnect, with dpQueryConnectSingle's semantics: the optional answer is the whole
 * table, every later message holds only the row that changed. Tags that appear later and match join in.
 * Rows are conflated per element under back-pressure, so a slow client still gets each element's latest row.
 */
export class QueryConnect implements Hotlink {
  private readonly header: string[];
  private readonly subscription: TagSubscription;
  private readonly held = new Map<string, TagValue>();
  private ready = false;
  private closed = false;

  constructor(
    private readonly env: WinccoaEnvironment,
    private readonly id: number | undefined,
    private readonly query: ParsedQuery,
    private readonly sink: HotlinkSink,
    private readonly conflationKey: string,
  ) {
    this.header = ['', ...query.attributes.map((attribute) => `:${formatConfig(attribute)}`)];
    this.subscription = env.tags.subscribePattern((tag) => this.elementOf(tag) !== undefined, (tag, value) => this.changed(tag, value));
  }

  async start(answer: boolean): Promise<string | undefined> {
    if (!answer) return undefined;
    const matching = this.env.datapoints.list().filter((entry) => this.query.matchesElement(entry.element));
    const samples = await readAvailable(this.env, matching.map((entry) => entry.tag));
    const rows: JsonValue[] = [];
    for (const entry of matching) {
      const sample = this.held.get(entry.tag) ?? samples.get(entry.tag);
      const row = sample ? this.row(entry.tag, sample) : undefined;
      if (row) rows.push(row);
    }
    this.held.clear();
    return this.closed ? undefined : encodeResult('DpQueryConnectResult', { Header: this.header, Values: rows }, this.id);
  }

  open(): void {
    if (this.closed) return;
    this.ready = true;
    for (const [tag, value] of this.held) this.send(tag, value);
    this.held.clear();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.subscription.close();
  }

  private changed(tag: string, value: TagValue): void {
    if (this.closed) return;
    if (this.ready) this.send(tag, value);
    else this.held.set(tag, value);
  }

  private send(tag: string, value: TagValue): void {
    const row = this.row(tag, value);
    // A hotlink with no data rows produces no message, as in the original.
    if (row) this.sink(encodeResult('DpQueryConnectResult', { Header: this.header, Values: [row] }, this.id), `${this.conflationKey}:${tag}`);
  }

  private elementOf(tag: string): string | undefined {
    const element = this.env.datapoints.elementOf(tag);
    return element !== undefined && this.query.matchesElement(element) ? element : undefined;
  }

  private row(tag: string, sample: TagValue): JsonValue[] | undefined {
    const element = this.elementOf(tag);
    if (element === undefined) return undefined;
    if (this.query.where) {
      const info = this.env.tags.info(tag);
      const dpType = info ? this.env.datapoints.dpTypeOf(info) : undefined;
      if (!this.query.where({ dpType, sample })) return undefined;
    }
    return [`${this.env.options.system}:${element}`, ...this.query.attributes.map((attribute) => attributeOf(sample, attribute.attribute))];
  }
}
