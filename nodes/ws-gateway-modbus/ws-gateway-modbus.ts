import { EventEmitter } from 'node:events';
import type { NodeAPI, NodeDef, NodeStatus } from 'node-red';
import { isProduct, loadShippedProfile, ModbusGateway, ModbusTagSource, validateGenericCircuits, type DeviceProfile, type GatewayOptions, type LineStatus, type Transport, type UnitConfig, type UnitStatus } from '../../lib/modbus';
import { acquireReporting, configLease } from '../shared/config-lease';
import { runtimeTags, type TagSettings } from '../shared/runtime-tags';
import { tagSpaceUsers } from '../shared/tag-space-users';
import { readInteger, readNumber } from '../../lib/util/options';
import type { StatusSource } from '../shared/source-status';
import type { ModbusConfigNode } from './modbus-node';
import { messageOf } from '../../lib/util/errors';

interface ModbusDef extends NodeDef {
  transport: 'tcp' | 'rtu-tcp' | 'rtu';
  host: string;
  port: number | string;
  serialPath: string;
  baudRate: number | string;
  parity: 'none' | 'even' | 'odd';
  dataBits: number | string;
  stopBits: number | string;
  profile: string;
  units: string;
  timeoutMs: number | string;
  pollIntervalMs: number | string;
  backoffMaxSeconds: number | string;
  tagPrefix: string;
  circuits: unknown;
}

export = function registerModbus(RED: NodeAPI): void {
  function GatewayModbus(this: ModbusConfigNode, config: ModbusDef): void {
    RED.nodes.createNode(this, config);
    const node = this;
    const translate = (key: string, substitutions?: Record<string, string | number>): string => RED._(`ws-gateway-modbus.${key}`, substitutions);
    const changes = new EventEmitter<{ change: [NodeStatus, string | undefined] }>();
    let current: NodeStatus = { fill: 'yellow', shape: 'ring', text: translate('status.connecting') };
    const setStatus = (status: NodeStatus): void => {
      if (status.fill === current.fill && status.shape === current.shape && status.text === current.text) return;
      current = status;
      changes.emit('change', status, undefined);
    };
    const statusSource: StatusSource = {
      get status() { return current; },
      onChange(listener) {
        changes.on('change', listener);
        return () => { changes.off('change', listener); };
      },
    };
    node.statusSource = statusSource;
    node.gateway = undefined;
    const tags = runtimeTags(RED.settings as unknown as TagSettings).space;
    const tagSourceId = `modbus:${node.id}`;

    let options: GatewayOptions | undefined;
    try {
      options = {
        line: { transport: transportOf(config), timeoutMs: readNumber(config.timeoutMs, { fallback: 1000, aboveMin: true }), reconnectMinMs: 500, reconnectMaxMs: readNumber(config.backoffMaxSeconds, { fallback: 30, aboveMin: true }) * 1000 },
        units: unitsOf(config),
        pollIntervalMs: readNumber(config.pollIntervalMs, { fallback: 100 }),
        backoffMaxMs: readNumber(config.backoffMaxSeconds, { fallback: 30, aboveMin: true }) * 1000,
        product: productOf(config),
      };
    } catch (error) {
      const message = messageOf(error);
      node.error(message);
      setStatus({ fill: 'red', shape: 'ring', text: message });
    }

    let stopReporting = (): void => {};
    /** Builds and starts the gateway for the first user; its status drives the node's status source. */
    const open = (valid: GatewayOptions): ModbusGateway => {
      const gateway = new ModbusGateway(valid);
      const away = new Map<number, string>();
      const describe = (): void => {
        const line = gateway.line.status;
        if (line.state === 'connecting') return setStatus({ fill: 'yellow', shape: 'ring', text: translate('status.connecting') });
        if (line.state === 'unreachable') return setStatus({ fill: 'red', shape: 'ring', text: translate('status.unreachable', { reason: line.reason }) });
        if (away.size > 0) {
          const [unit, reason] = [...away][0];
          return setStatus({ fill: 'red', shape: 'ring', text: translate('status.unit-unreachable', { unit, reason }) });
        }
        const polling = gateway.unitIds.every((unit) => gateway.unitStatus(unit)?.reachable);
        setStatus(polling
          ? { fill: 'green', shape: 'dot', text: translate('status.polling', { count: gateway.unitIds.length }) }
          : { fill: 'green', shape: 'ring', text: translate('status.connected') });
      };
      // The line retries with back-off; the log and the ERROR hooks hear of a loss once, and of the recovery.
      let lineLost = false;
      const onStatus = (status: LineStatus): void => {
        describe();
        if (status.state === 'unreachable' && !lineLost) {
          lineLost = true;
          const text = translate('errors.line-lost', { line: gateway.line.describe(), reason: status.reason });
          node.warn(text);
          changes.emit('change', current, text);
        } else if (status.state === 'connected' && lineLost) {
          lineLost = false;
          node.log(translate('status.connected'));
        }
      };
      const onUnit = (status: UnitStatus): void => {
        if (status.reachable) away.delete(status.unit);
        else away.set(status.unit, status.reason ?? '');
        describe();
        if (!status.reachable && gateway.line.status.state === 'connected') {
          const text = translate('errors.unit-lost', { unit: status.unit, reason: status.reason ?? '' });
          node.warn(text);
          changes.emit('change', current, text);
        }
      };
      const onCycle = (): void => { if (current.fill !== 'green' || current.shape !== 'dot') describe(); };
      gateway.on('status', onStatus);
      gateway.on('unit', onUnit);
      gateway.on('cycle', onCycle);
      // A closing gateway no longer speaks for the node (the next one starts from "connecting").
      stopReporting = () => {
        gateway.off('status', onStatus);
        gateway.off('unit', onUnit);
        gateway.off('cycle', onCycle);
      };
      tags.addSource(new ModbusTagSource(tagSourceId, gateway, (config.tagPrefix || 'modbus').trim()));
      node.gateway = gateway;
      setStatus({ fill: 'yellow', shape: 'ring', text: translate('status.connecting') });
      gateway.start();
      return gateway;
    };

    // The line opens when the first EVOK server (or the tag space's first user) acquires the node and
    // closes after the last release; its circuits are tags only while it is open.
    const lease = options && configLease<ModbusGateway>(RED, {
      open: () => open(options),
      close: async (gateway) => {
        if (node.gateway === gateway) node.gateway = undefined;
        tags.removeSource(tagSourceId);
        stopReporting();
        await gateway.close();
      },
    });
    node.acquire = acquireReporting(lease, (error) => node.error(messageOf(error)));
    const unfollow = tagSpaceUsers().holdWhileUsed(node.acquire);

    node.on('close', (_removed: boolean, done: () => void) => {
      unfollow();
      changes.removeAllListeners();
      if (!lease) return done();
      lease.end().then(done, () => done());
    });
  }

  RED.nodes.registerType('ws-gateway-modbus', GatewayModbus);
};

function transportOf(config: ModbusDef): Transport {
  if (config.transport === 'rtu') {
    if (!config.serialPath) throw new Error('RTU needs a serial port');
    const parity = config.parity === 'even' || config.parity === 'odd' ? config.parity : 'none';
    return { kind: 'rtu', path: config.serialPath, baudRate: readInteger(config.baudRate, { fallback: 19200, min: 1 }), parity, dataBits: Number(config.dataBits) === 7 ? 7 : 8, stopBits: Number(config.stopBits) === 2 ? 2 : 1 };
  }
  const port = Number(config.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`invalid port ${String(config.port)}`);
  return { kind: config.transport === 'rtu-tcp' ? 'rtu-tcp' : 'tcp', host: config.host || '127.0.0.1', port };
}

/** The product a shipped product profile describes (family and model), for EVOK's device_info. */
function productOf(config: ModbusDef): { family: string; model: string } | undefined {
  const name = config.profile || 'neuron-l533';
  if (name === 'generic') return undefined;
  const loaded = loadShippedProfile(name);
  return isProduct(loaded) ? { family: loaded.family ?? '', model: loaded.model } : undefined;
}

/** The units and their profiles: a product brings its own units; a board or generic profile goes on each listed unit. */
function unitsOf(config: ModbusDef): UnitConfig[] {
  const name = config.profile || 'neuron-l533';
  let profile: DeviceProfile;
  if (name === 'generic') {
    const rows = typeof config.circuits === 'string' ? JSON.parse(config.circuits || '[]') as unknown : config.circuits ?? [];
    profile = { model: 'generic', circuits: validateGenericCircuits(rows), maxGap: 8 };
  } else {
    const loaded = loadShippedProfile(name);
    if (isProduct(loaded)) {
      return loaded.units.map(({ unit, profile: board }) => {
        const boardProfile = loadShippedProfile(board);
        if (isProduct(boardProfile)) throw new Error(`${board} is not a board profile`);
        return { unit, profile: boardProfile };
      });
    }
    profile = loaded;
  }
  return parseUnits(config.units).map((unit) => ({ unit, profile }));
}

/** "1", "1,2,5" or "1-3". */
function parseUnits(text: string | undefined): number[] {
  const units = new Set<number>();
  for (const part of (text || '1').split(',').map((p) => p.trim()).filter((p) => p.length > 0)) {
    const range = /^(\d+)\s*-\s*(\d+)$/.exec(part);
    const [from, to] = range ? [Number(range[1]), Number(range[2])] : [Number(part), Number(part)];
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to > 255 || from > to) throw new Error(`invalid unit ids "${text}"`);
    for (let unit = from; unit <= to; unit++) units.add(unit);
  }
  return [...units];
}
