import type { Circuit, CycleChanges } from '../../modbus';
import { frameTextParts, type DialectSession, type DecodeResult, type Dialect, type DialectContext, type DialectError, type DialectMessage, type OutgoingFrame } from '../contract';
import { planSet, runPlan, SetFailure, type SetPlan } from './commands';
import { EvokDevices } from './devices';
import { filterKey, parseFilter, passes, type DeviceFilter, type EvokShape } from './names';
import { pyJson } from './py-json';
import { createRestHandler } from './rest';
import type { EvokSources } from './sources';
import { allObjects, isSystemDev, planRunSet, systemObject, type SystemDev } from './system-devices';
import { valueProblem } from '../../tags';
import { jsonDepthExceeds, tooDeepMessage } from '../../util/json-depth';
import { messageOf } from '../../util/errors';

/** A refused frame, with the request it came in (when it parsed) for the opt-in error frame. */
interface EvokError extends DialectError {
  request?: unknown;
}

/** Which polled properties make a device report a change, per kind (EVOK's rules). */
const eventedPoints: Record<Circuit['kind'], readonly string[]> = {
  di: ['value', 'counter'],
  do: ['value', 'pwmDuty', 'pwmPrescale', 'pwmCycle'],
  ro: ['value'],
  led: ['value'],
  ai: ['value', 'mode'],
  ao: ['value'],
  // A timeout changes only through a set; pushing it means the event after the set shows the whole change
  // even when a poll landed between the set's two register writes.
  wd: ['value', 'timeout'],
  register: ['value'],
};

type Decoded =
  | { cmd: 'all' }
  | { cmd: 'full-system'; object: () => Record<string, unknown> }
  | { cmd: 'set-run'; apply: () => void }
  | { cmd: 'filter'; filter: DeviceFilter }
  | { cmd: 'full'; circuit: Circuit }
  | { cmd: 'set'; plan: Extract<SetPlan, { ok: true }> };

/**
 * Unipi's EVOK WebSocket API over Modbus (see docs/protocols/evok.md): `all`, `filter`, `set`, `full`,
 * and per poll cycle one array of the devices that changed, cut down per client filter and encoded
 * once per distinct filter. Bad frames are dropped as EVOK does, reported to ws-gateway-in ERROR hooks,
 * and answered with an error frame only when the server's `evokErrors` option is on.
 */
export function createEvokDialect(context: DialectContext<EvokSources>): Dialect {
  const shape = parseShape(context.options.evokShapes);
  const errorFrames = isOn(context.options.evokErrors);
  const registerEvents = isOn(context.options.registerEvents);
  const gateway = context.sources.modbus;
  const devices = new EvokDevices(gateway, shape, context.limits.maxAliasLength);
  devices.report = (text) => context.log.warn(`evok: ${text}`);
  const filters = new Map<DialectSession, DeviceFilter>();
  const decodedOf = new WeakMap<DialectMessage, Decoded>();
  const changedByUnit = new Map<number, Set<Circuit>>();

  if (!gateway) context.log.warn('evok: no ws-gateway-modbus connection selected; the server has no devices');

  const onChanges = (cycle: CycleChanges): void => {
    const set = changedByUnit.get(cycle.unit) ?? new Set<Circuit>();
    for (const change of cycle.changes) {
      if (change.circuit.kind === 'register' && !registerEvents) continue;
      if (cycle.first || change.points.some((point) => eventedPoints[change.circuit.kind].includes(point))) set.add(change.circuit);
    }
    changedByUnit.set(cycle.unit, set);
  };

  const onCycle = (unit: number): void => {
    const set = changedByUnit.get(unit) ?? new Set<Circuit>();
    changedByUnit.delete(unit);
    for (const circuit of devices.touched) {
      if (circuit.unit !== unit) continue;
      set.add(circuit);
      devices.touched.delete(circuit);
    }
    if (set.size > 0) push(devices.ordered.filter((circuit) => set.has(circuit)));
  };

  /**
   * One array per distinct filter, framed once and written to every client with that filter. Each
   * device object is encoded once per cycle whatever the filters: a filter's array is those bytes
   * joined as `pyJson` joins them (the same text), copied once into its frame.
   */
  function push(circuits: Circuit[]): void {
    if (filters.size === 0) return;
    const objects = circuits.map((circuit) => ({ kind: circuit.kind, bytes: Buffer.from(pyJson(devices.object(circuit)), 'utf8') }));
    const frames = new Map<string, Buffer | null>();
    for (const [session, filter] of filters) {
      const key = filterKey(filter);
      let frame = frames.get(key);
      if (frame === undefined) {
        const cut = objects.filter((entry) => passes(filter, entry.kind));
        frame = cut.length > 0 ? frameTextParts(arrayParts(cut.map((entry) => entry.bytes))) : null;
        frames.set(key, frame);
      }
      if (frame) session.sendFrame(frame);
    }
  }

  gateway?.on('changes', onChanges);
  gateway?.on('cycle', onCycle);
  const maxDepth = context.limits.maxJsonDepth;
  const maxValueBytes = context.tags.maxValueBytes;
  const rest = createRestHandler(devices, restRoot(context.options.path), context.auth, (text) => context.log.warn(text), { maxDepth, maxValueBytes });
  const unmount = context.sources.evokHttp?.mount(rest);

  function refuse(code: DialectError['code'], message: string, request?: unknown): DecodeResult {
    const error: EvokError = { code, message, request };
    return { ok: false, error };
  }

  return {
    name: 'evok',
    subprotocols: [],
    open(session) {
      filters.set(session, 'all');
    },
    decode(data: Buffer, isBinary: boolean): DecodeResult {
      if (isBinary) return refuse('bad-frame', 'binary frames are not EVOK commands');
      let request: unknown;
      const text = data.toString('utf8');
      if (jsonDepthExceeds(text, maxDepth)) return refuse('bad-request', tooDeepMessage(maxDepth), text.slice(0, 200));
      try {
        request = JSON.parse(text);
      } catch {
        return refuse('bad-frame', 'not JSON', data.toString('utf8').slice(0, 200));
      }
      if (request === null || typeof request !== 'object' || Array.isArray(request)) return refuse('bad-request', 'a command must be a JSON object', request);
      const r = request as Record<string, unknown>;
      if (r.cmd === undefined || r.cmd === null) return refuse('bad-request', 'no cmd', request);
      if (r.cmd === 'all') return accept({ cmd: 'all' }, { type: 'all', payload: request });
      if (r.cmd === 'filter') {
        if (!Array.isArray(r.devices)) return refuse('bad-request', 'filter needs "devices": a list of device types', request);
        const filter = parseFilter(r.devices, shape);
        if (!filter) return refuse('bad-request', `no known device type in ${JSON.stringify(r.devices)}; the filter stays as it was`, request);
        return accept({ cmd: 'filter', filter }, { type: 'filter', payload: request });
      }
      if (r.cmd !== 'set' && r.cmd !== 'full') return refuse('unknown-type', `unknown cmd ${JSON.stringify(r.cmd)}`, request);
      if (r.dev === undefined || r.circuit === undefined) return refuse('bad-request', `${r.cmd} needs dev and circuit`, request);
      if (shape === 'v3' && isSystemDev(r.dev)) return decodeSystem(r.dev, r, request);
      const found = devices.find(r.dev, r.circuit);
      if ('error' in found) return refuse('bad-request', found.error, request);
      const circuit = found.circuit;
      const about = { payload: request, topic: `${circuit.kind}/${circuit.id}`, deviceType: circuit.kind };
      if (r.cmd === 'full') return accept({ cmd: 'full', circuit }, { type: 'full', ...about });
      // Refused before planning, and not echoed back in full: its size is the problem.
      const problem = valueProblem(r, maxValueBytes);
      if (problem) return refuse('bad-request', `set ${circuit.kind} ${circuit.id}: ${problem.message}`, { cmd: r.cmd, dev: r.dev, circuit: r.circuit });
      const plan = planSet(devices, circuit, r);
      if (!plan.ok) return refuse('bad-request', plan.error, request);
      return accept({ cmd: 'set', plan }, { type: 'set', ...about });
    },
    async handle(session, message) {
      const decoded = decodedOf.get(message);
      if (!decoded) return;
      switch (decoded.cmd) {
        case 'all':
          session.send(pyJson(allObjects(devices, true)));
          return;
        case 'full-system':
          session.send(pyJson(decoded.object()));
          return;
        case 'set-run':
          decoded.apply();
          return;
        case 'filter':
          if (filters.has(session)) filters.set(session, decoded.filter);
          return;
        case 'full':
          session.send(pyJson(devices.object(decoded.circuit)));
          return;
        case 'set':
          try {
            await runPlan(devices, decoded.plan);
          } catch (error) {
            const reason = messageOf(error);
            const what = error instanceof SetFailure && error.outcome === 'unknown' ? 'outcome unknown' : 'failed, not executed';
            throw new Error(`set ${decoded.plan.circuit.kind} ${decoded.plan.circuit.id} ${what}: ${reason}`, { cause: error });
          }
      }
    },
    /** REST on an own-port server: EVOK serves it on the WebSocket's port (Node-RED's httpNode does it otherwise). */
    httpRequest(request, response, next) {
      rest(request, response, next);
    },
    encodeOutgoing(payload: unknown): OutgoingFrame {
      if (Buffer.isBuffer(payload) || typeof payload === 'string') return payload;
      if (payload === undefined) throw new Error('msg.payload is undefined: nothing to send');
      return pyJson(payload);
    },
    encodeError(error: DialectError, request?: DialectMessage): OutgoingFrame | undefined {
      if (!errorFrames) return undefined;
      const original = (error as EvokError).request ?? request?.payload ?? null;
      return pyJson({ error: error.message, request: original });
    },
    close(session) {
      filters.delete(session);
    },
    dispose() {
      gateway?.off('changes', onChanges);
      gateway?.off('cycle', onCycle);
      unmount?.();
      devices.dispose();
      filters.clear();
    },
  };

  /** `full` and `set` of the v3 devices that are no circuit (run, device_info, modbus_slave). */
  function decodeSystem(dev: SystemDev, r: Record<string, unknown>, request: unknown): DecodeResult {
    const circuit = String(r.circuit);
    if (!systemObject(devices, dev, circuit)) return refuse('bad-request', `no ${dev} with circuit ${JSON.stringify(r.circuit)}`, request);
    const about = { payload: request, topic: `${dev}/${circuit}`, deviceType: dev };
    if (r.cmd === 'full') return accept({ cmd: 'full-system', object: () => systemObject(devices, dev, circuit) ?? {} }, { type: 'full', ...about });
    if (dev !== 'run') return refuse('bad-request', `${dev} ${circuit} cannot be set`, request);
    const plan = planRunSet(devices, r);
    if (!plan.ok) return refuse('bad-request', plan.error, request);
    return accept({ cmd: 'set-run', apply: plan.apply }, { type: 'set', ...about });
  }

  function accept(decoded: Decoded, message: DialectMessage): DecodeResult {
    decodedOf.set(message, decoded);
    return { ok: true, messages: [message] };
  }
}

const ARRAY_OPEN = Buffer.from('[');
const ARRAY_SEPARATOR = Buffer.from(', ');
const ARRAY_CLOSE = Buffer.from(']');

/** The parts of `[a, b, c]` as Python's json.dumps (and `pyJson`) writes an array of encoded elements. */
function arrayParts(elements: readonly Buffer[]): Buffer[] {
  const parts: Buffer[] = [ARRAY_OPEN];
  elements.forEach((element, index) => {
    if (index > 0) parts.push(ARRAY_SEPARATOR);
    parts.push(element);
  });
  parts.push(ARRAY_CLOSE);
  return parts;
}

function parseShape(value: unknown): EvokShape {
  return value === 'v3' || value === 'v2' ? value : 'seed';
}

function isOn(value: unknown): boolean {
  return value === true || value === 'true' || value === 1 || value === '1';
}

/** REST lives beside the WebSocket: `/ws` -> `/rest/...`, `/evok/ws` -> `/evok/rest/...`. */
export function restRoot(path: unknown): string {
  const text = typeof path === 'string' && path.startsWith('/') ? path : '/ws';
  const cut = text.replace(/\/+$/, '');
  return cut.slice(0, cut.lastIndexOf('/') + 1) || '/';
}
