import { TagError, type TagInfo, type TagSink, type TagSource, type TagValue } from '../../../../lib/tags';

/**
 * A second, non-flow source standing in for OPC UA and Modbus: its own history(), a read-only tag, a tag
 * whose writes fail, a tag whose writes are confirmed only later, names that do not fit datapoint syntax,
 * and counts of watch/unwatch so tests can see subscriptions released.
 */
export class PlantSource implements TagSource {
  readonly id = 'plant';
  readonly watching = new Map<string, number>();
  readonly writes: Array<{ name: string; value: unknown; timestamp?: number }> = [];
  /** Writes of `plant/setpoint` waiting for `confirm()`. */
  private readonly unconfirmed: Array<{ value: unknown; resolve: () => void }> = [];
  private readonly values = new Map<string, TagValue>();
  private sink: TagSink | undefined;
  readonly historyCalls: Array<{ name: string; from: number; to: number; max: number }> = [];
  failReads = false;

  private readonly infos: TagInfo[] = [
    { name: 'Pump.Speed', source: this.id, writable: true, dataType: 'Double', dpType: 'PumpType' },
    { name: 'plant/temp', source: this.id, writable: false, dataType: 'Double', dpType: 'SensorType' },
    { name: 'plant/valve', source: this.id, writable: true, dataType: 'Boolean' },
    { name: 'plant/setpoint', source: this.id, writable: true, dataType: 'Double' },
  ];

  /** The archive of `Pump.Speed`: one sample a second from `historyStart`. */
  static readonly historyStart = Date.UTC(2018, 1, 7, 18, 10, 0);

  constructor() {
    this.values.set('Pump.Speed', { value: 1500, timestamp: 1000, quality: 'good' });
    this.values.set('plant/temp', { value: 21.5, timestamp: 1000, quality: 'uncertain' });
    this.values.set('plant/valve', { value: false, timestamp: 1000, quality: 'good' });
    this.values.set('plant/setpoint', { value: 10, timestamp: 1000, quality: 'good' });
  }

  attach(sink: TagSink): void { this.sink = sink; }
  detach(): void { this.sink = undefined; }
  list(): TagInfo[] { return [...this.infos]; }
  info(name: string): TagInfo | undefined { return this.infos.find((info) => info.name === name); }

  async read(names: readonly string[]): Promise<TagValue[]> {
    await Promise.resolve();
    if (this.failReads) throw new TagError('source-unavailable', 'plant is offline');
    return names.map((name) => {
      const value = this.values.get(name);
      if (!value) throw new TagError('unknown-tag', `unknown tag ${name}`);
      return value;
    });
  }

  async write(name: string, value: unknown, timestamp?: number): Promise<void> {
    this.writes.push({ name, value, timestamp });
    if (name === 'plant/valve') throw new TagError('write-failed', 'Modbus exception 4: slave device failure');
    if (name === 'plant/setpoint') {
      await new Promise<void>((resolve) => this.unconfirmed.push({ value, resolve }));
    }
    this.change(name, value, timestamp);
  }

  /** Confirms the oldest pending setpoint write. */
  confirm(): void {
    this.unconfirmed.shift()?.resolve();
  }

  get pendingWrites(): number {
    return this.unconfirmed.length;
  }

  change(name: string, value: unknown, timestamp = Date.now(), quality: TagValue['quality'] = 'good'): void {
    const sample: TagValue = { value, timestamp, quality };
    this.values.set(name, sample);
    if ((this.watching.get(name) ?? 0) > 0) this.sink?.update(name, sample);
  }

  watch(name: string): void { this.watching.set(name, (this.watching.get(name) ?? 0) + 1); }
  unwatch(name: string): void { this.watching.set(name, (this.watching.get(name) ?? 0) - 1); }

  get watchedTags(): number {
    return [...this.watching.values()].filter((count) => count > 0).length;
  }

  async history(name: string, from: number, to: number, max: number): Promise<TagValue[]> {
    this.historyCalls.push({ name, from, to, max });
    if (name !== 'Pump.Speed') return [];
    const samples: TagValue[] = [];
    for (let index = 0; index < 10; index++) {
      const timestamp = PlantSource.historyStart + index * 1000;
      if (timestamp >= from && timestamp <= to) samples.push({ value: 1000 + index, timestamp, quality: index === 9 ? 'bad' : 'good' });
    }
    return max > 0 ? samples.slice(0, max) : samples;
  }
}
