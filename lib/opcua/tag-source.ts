import { DataType, type DataValue } from 'node-opcua';
import { TagError, writeOutcomeOf, type TagInfo, type TagSink, type TagSource, type TagValue } from '../tags';
import type { OpcuaConnection } from './connection';
import type { MonitorHandle } from './monitored-items';
import { OpcuaStatusError, statusOf } from './status';
import { toTagValue, toVariant } from './values';
import type { OpcuaVariable } from './variable-list';
import type { VariableTypes } from './variable-types';
import { messageOf } from '../util/errors';

/** Sampling interval of a variable's monitored item when its entry gives none. */
export const DEFAULT_SAMPLING_INTERVAL = 250;

/**
 * The variable list of a ws-gateway-opcua node as tags, so every dialect (WinCC OA, raw, ...) can read,
 * write, subscribe to (one shared monitored item each) and read the history of OPC UA variables.
 */
export class OpcuaTagSource implements TagSource {
  private readonly variables: Map<string, OpcuaVariable>;
  private readonly watches = new Map<string, MonitorHandle>();
  private sink: TagSink | undefined;

  constructor(readonly id: string, private readonly connection: OpcuaConnection, variables: readonly OpcuaVariable[], private readonly types: VariableTypes) {
    this.variables = new Map(variables.map((variable) => [variable.name, variable]));
  }

  attach(sink: TagSink): void {
    this.sink = sink;
  }

  detach(): void {
    this.sink = undefined;
    for (const handle of this.watches.values()) handle.close();
    this.watches.clear();
  }

  list(): TagInfo[] {
    return [...this.variables.keys()].map((name) => this.info(name) as TagInfo);
  }

  info(name: string): TagInfo | undefined {
    const variable = this.variables.get(name);
    if (!variable) return undefined;
    const info: TagInfo = { name, source: this.id, writable: variable.writable !== false };
    const type = this.types.get(name);
    if (type) info.dataType = type.isArray ? `${dataTypeName(type.dataType)}[]` : dataTypeName(type.dataType);
    if (variable.description) info.description = variable.description;
    if (variable.unit) info.unit = variable.unit;
    return info;
  }

  async read(names: readonly string[]): Promise<TagValue[]> {
    return Promise.all(names.map(async (name) => {
      const value = await this.readValue(this.require(name));
      return toTagValue(value);
    }));
  }

  async write(name: string, value: unknown, timestamp?: number): Promise<void> {
    const variable = this.require(name);
    if (variable.writable === false) throw new TagError('read-only', `tag ${name} is read-only`);
    let type = this.types.get(name);
    if (!type) {
      await this.readValue(variable);
      type = this.types.get(name);
    }
    if (!type) throw new TagError('bad-value', `the type of ${name} is not known yet`);
    let variant;
    try {
      variant = toVariant(value, type.dataType, type.isArray);
    } catch (error) {
      throw new TagError('bad-value', `${name}: ${(error as Error).message}`);
    }
    try {
      await this.connection.write(this.connection.nodeId(variable.nodeId), variant, { source: timestamp === undefined ? undefined : new Date(timestamp) });
    } catch (error) {
      if (writeOutcomeOf(error) === 'unknown') throw new TagError('write-unknown', `${name}: ${(error as Error).message}`);
      throw tagErrorOf(name, error, 'write-failed');
    }
  }

  watch(name: string): void {
    const variable = this.variables.get(name);
    if (!variable || this.watches.has(name)) return;
    this.watches.set(name, this.connection.monitor(variable.nodeId, variable.samplingInterval ?? DEFAULT_SAMPLING_INTERVAL, (value) => {
      this.types.learn(name, value);
      this.sink?.update(name, toTagValue(value));
    }));
  }

  unwatch(name: string): void {
    this.watches.get(name)?.close();
    this.watches.delete(name);
  }

  async history(name: string, from: number, to: number, max: number): Promise<TagValue[]> {
    const variable = this.require(name);
    try {
      const values = await this.connection.historyRead(this.connection.nodeId(variable.nodeId), new Date(from), new Date(to), max);
      return values.map(toTagValue);
    } catch (error) {
      throw tagErrorOf(name, error, 'source-unavailable');
    }
  }

  private require(name: string): OpcuaVariable {
    const variable = this.variables.get(name);
    if (!variable) throw new TagError('unknown-tag', `unknown tag ${name}`);
    return variable;
  }

  private async readValue(variable: OpcuaVariable): Promise<DataValue> {
    try {
      const value = await this.connection.read(this.connection.nodeId(variable.nodeId));
      this.types.learn(variable.name, value);
      return value;
    } catch (error) {
      throw tagErrorOf(variable.name, error, 'source-unavailable');
    }
  }
}

function tagErrorOf(name: string, error: unknown, fallback: 'write-failed' | 'source-unavailable'): TagError {
  if (error instanceof TagError) return error;
  const status = statusOf(error);
  const code = status.name === 'BadNotConnected' ? 'source-unavailable' : error instanceof OpcuaStatusError && status.name === 'BadTypeMismatch' ? 'bad-value' : fallback;
  return new TagError(code, `${name}: ${messageOf(error)}`);
}

function dataTypeName(dataType: DataType): string {
  return DataType[dataType] ?? String(dataType);
}
