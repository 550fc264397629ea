import { TagError, type TagInfo, type TagSink, type TagSource, type TagValue } from '../tags/types';
import { writeOutcomeOf } from '../tags/write-outcome';
import { messageOf } from '../util/errors';
import type { Circuit } from './circuits';
import type { CycleChanges, ModbusGateway, UnitStatus } from './gateway';

interface TagRef {
  circuit: Circuit;
  property: string;
  info: TagInfo;
}

/**
 * The circuits of a Modbus gateway as tags: `<prefix>/<kind>/<circuit>` is a circuit's value and
 * `<prefix>/<kind>/<circuit>/<property>` its other properties (`counter`, `mode` ...). Values come
 * from the poller's cache; a unit that stops answering turns its watched tags to quality bad.
 */
/** How long a write waits for its read-back before resolving anyway (the write itself succeeded). */
const READ_BACK_WAIT_MS = 2000;

export class ModbusTagSource implements TagSource {
  private readonly tags = new Map<string, TagRef>();
  private readonly byPoint = new Map<Circuit, Map<string, string>>();
  private readonly watched = new Set<string>();
  private sink: TagSink | undefined;

  constructor(readonly id: string, private readonly gateway: ModbusGateway, prefix: string) {
    const root = prefix.replace(/\/+$/, '');
    for (const circuit of gateway.circuits()) {
      const names = new Map<string, string>();
      for (const [property, point] of Object.entries(circuit.points)) {
        const name = `${root}/${circuit.kind}/${circuit.id}${property === 'value' ? '' : `/${property}`}`;
        const info: TagInfo = { name, source: id, dataType: point.dataType === 'bool' ? 'boolean' : 'number', writable: point.write !== undefined, dpType: `modbus_${circuit.kind}` };
        if (circuit.unitName && property === 'value') info.unit = circuit.unitName;
        if (circuit.alias) info.description = circuit.alias;
        this.tags.set(name, { circuit, property, info });
        names.set(property, name);
      }
      this.byPoint.set(circuit, names);
    }
  }

  attach(sink: TagSink): void {
    this.sink = sink;
    this.gateway.on('changes', this.onChanges);
    this.gateway.on('unit', this.onUnit);
  }

  detach(): void {
    this.gateway.off('changes', this.onChanges);
    this.gateway.off('unit', this.onUnit);
    this.sink = undefined;
  }

  list(): TagInfo[] {
    return [...this.tags.values()].map((tag) => tag.info);
  }

  info(name: string): TagInfo | undefined {
    return this.tags.get(name)?.info;
  }

  async read(names: readonly string[]): Promise<TagValue[]> {
    return names.map((name) => this.current(this.require(name)));
  }

  async write(name: string, value: unknown): Promise<void> {
    const tag = this.require(name);
    if (!tag.info.writable) throw new TagError('read-only', `tag ${name} is read-only`);
    const number = typeof value === 'boolean' ? Number(value) : typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number)) throw new TagError('bad-value', `tag ${name} takes a number or a boolean`);
    try {
      await this.gateway.writePoint(tag.circuit, tag.property, number);
    } catch (error) {
      if (error instanceof RangeError) throw new TagError('bad-value', error.message);
      throw new TagError(writeOutcomeOf(error) === 'unknown' ? 'write-unknown' : 'write-failed', `${name}: ${messageOf(error)}`);
    }
    // A client that reads right after a confirmed write must see what it wrote.
    await this.gateway.readBack(tag.circuit.unit, READ_BACK_WAIT_MS);
  }

  watch(name: string): void {
    this.watched.add(name);
  }

  unwatch(name: string): void {
    this.watched.delete(name);
  }

  private current(tag: TagRef): TagValue {
    const value = this.gateway.value(tag.circuit, tag.property);
    const status = this.gateway.unitStatus(tag.circuit.unit);
    if (value === undefined) return { value: null, timestamp: Date.now(), quality: 'bad', status: status?.reason ?? 'not read yet' };
    const shown = tag.info.dataType === 'boolean' ? value === 1 : value;
    if (status && !status.reachable) return { value: shown, timestamp: Date.now(), quality: 'bad', status: status.reason };
    return { value: shown, timestamp: Date.now(), quality: 'good' };
  }

  private readonly onChanges = (cycle: CycleChanges): void => {
    const sink = this.sink;
    if (!sink) return;
    for (const change of cycle.changes) {
      const names = this.byPoint.get(change.circuit);
      for (const property of change.points) {
        const name = names?.get(property);
        if (name === undefined) continue;
        const tag = this.tags.get(name);
        if (tag) sink.update(name, { ...this.current(tag), timestamp: cycle.timestamp });
      }
    }
  };

  private readonly onUnit = (status: UnitStatus): void => {
    const sink = this.sink;
    if (!sink) return;
    for (const name of this.watched) {
      const tag = this.tags.get(name);
      if (tag && tag.circuit.unit === status.unit) sink.update(name, this.current(tag));
    }
  };

  private require(name: string): TagRef {
    const tag = this.tags.get(name);
    if (!tag) throw new TagError('unknown-tag', `unknown tag ${name}`);
    return tag;
  }
}
