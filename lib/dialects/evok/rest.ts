import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Circuit } from '../../modbus';
import { authenticate, type AuthPolicy } from '../contract';
import { planSet, runPlan, SetFailure } from './commands';
import type { DeviceObject, EvokDevices } from './devices';
import { kindsOfDev } from './names';
import { pyJson } from './py-json';
import type { HttpHandler } from './sources';
import { allObjects, isSystemDev, planRunSet, runObject, systemObject, systemObjects } from './system-devices';
import { measureValue } from '../../tags';
import { jsonDepthExceeds, tooDeepMessage } from '../../util/json-depth';
import { clip } from '../../util/log-limit';
import { messageOf } from '../../util/errors';

/** Bounds of a REST request: its body's bytes (`maxValueBytes`) and JSON nesting. */
export interface RestLimits {
  maxValueBytes: number;
  maxDepth: number;
}

/** EVOK answers every failure 404; bodies over the bounds get 413 (too large) and 400 (nested too deeply). */
class NotFound extends Error {
  constructor(readonly kind: string, message: string, readonly status = 404) {
    super(message);
  }
}

/**
 * EVOK's REST API beside the WebSocket, under the same path root (`/ws` -> `/rest/...`, `/json/...`):
 * GET all, a device, one property; POST form (`value=1`) or JSON keywords, answered with the device as
 * read back after the write. Every failure is HTTP 404 with `{"success": false, "errors": {...}}`.
 */
export function createRestHandler(devices: EvokDevices, root: string, auth: AuthPolicy, log: (text: string) => void, limits: RestLimits): HttpHandler {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return (request, response, next) => {
    const path = (request.url ?? '/').split('?')[0];
    if (!path.startsWith(`${prefix}rest/`) && !path.startsWith(`${prefix}json/`)) return next();
    const parts = decodedParts(path.slice(prefix.length));
    if (!parts) {
      // decodeURIComponent threw from here into Node-RED's express, which answered 500 with a stack trace.
      response.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8', 'Access-Control-Allow-Origin': '*' });
      response.end('bad percent-encoding in the path');
      return;
    }
    const api = parts.shift();
    response.setHeader('Access-Control-Allow-Origin', '*');
    if (request.method === 'OPTIONS') {
      response.writeHead(204, { 'Access-Control-Allow-Methods': 'GET, POST, OPTIONS', 'Access-Control-Allow-Headers': 'Content-Type, Authorization' });
      response.end();
      return;
    }
    // The REST API is as protected as the WebSocket beside it (EVOK's own has no authentication).
    if (!authenticate(request, auth).ok) {
      if (auth.kind === 'users') response.setHeader('WWW-Authenticate', 'Basic realm="evok"');
      send(response, 401, { success: false, errors: { AuthenticationError: 'authentication required' } });
      return;
    }
    answer(devices, api === 'json', request, parts, limits).then(
      (body) => send(response, 200, body),
      (error: unknown) => {
        // A failed set names its outcome: WriteFailed (nothing was executed) or WriteOutcomeUnknown.
        const kind = error instanceof NotFound ? error.kind : error instanceof SetFailure ? (error.outcome === 'unknown' ? 'WriteOutcomeUnknown' : 'WriteFailed') : 'Error';
        const message = messageOf(error);
        if (!(error instanceof NotFound)) log(`evok REST ${request.method} ${clip(path)}: ${clip(message)}`);
        send(response, error instanceof NotFound ? error.status : 404, { success: false, errors: { [kind]: message } });
      },
    );
  };
}

async function answer(devices: EvokDevices, json: boolean, request: IncomingMessage, parts: string[], limits: RestLimits): Promise<unknown> {
  const [dev, circuitName, property] = parts;
  const system = devices.shape === 'v3' && isSystemDev(dev) ? dev : undefined;
  if (request.method === 'GET') {
    if (dev === 'all' && parts.length === 1) return allObjects(devices, false);
    const kinds = kindsOfDev(dev);
    if ((!kinds && !system) || parts.length < 2 || parts.length > 3) throw new NotFound('KeyError', `unknown device type or path ${parts.join('/')}`);
    /** Each object with the name errors call it by (the circuit's kind, not the shape's dev). */
    let named: Array<{ name: string; object: DeviceObject }>;
    if (system) {
      const object = circuitName === 'all' ? undefined : systemObject(devices, system, circuitName);
      if (circuitName !== 'all' && !object) throw new NotFound('Exception', `no ${system} with circuit ${JSON.stringify(circuitName)}`);
      named = (object ? [object] : systemObjects(devices, system)).map((o) => ({ name: `${system} ${String(o.circuit)}`, object: o }));
    } else {
      const circuits = circuitName === 'all' ? devices.ofKinds(kinds ?? []) : [lookup(devices, dev, circuitName)];
      named = circuits.map((c) => ({ name: `${c.kind} ${c.id}`, object: devices.object(c) }));
    }
    if (property === undefined) return circuitName === 'all' ? named.map((entry) => entry.object) : named[0].object;
    const pick = ({ name, object }: { name: string; object: DeviceObject }): unknown => {
      // Own properties only: `constructor` or `toString` are no properties of a device.
      if (property.startsWith('_') || !Object.hasOwn(object, property)) throw new NotFound('AttributeError', `${name} has no property ${property}`);
      return object[property];
    };
    return circuitName === 'all' ? named.map((entry) => ({ circuit: entry.object.circuit, [property]: pick(entry) })) : { [property]: pick(named[0]) };
  }
  if (request.method === 'POST') {
    if (parts.length !== 2) throw new NotFound('KeyError', `POST needs /<dev>/<circuit>, got ${parts.join('/')}`);
    if (system) {
      // `POST /rest/run/alias` with `save=1` (the web UI's "save to flash"); the others take no writes.
      if (system !== 'run' || circuitName !== 'alias') throw new NotFound('Exception', `${system} ${circuitName} cannot be set`);
      const plan = planRunSet(devices, { value: await readArguments(request, json, limits) });
      if (!plan.ok) throw new NotFound('ValidationError', plan.error);
      plan.apply();
      return { success: true, result: runObject(devices) };
    }
    const circuit = lookup(devices, dev, circuitName);
    const args = await readArguments(request, json, limits);
    const plan = planSet(devices, circuit, { value: args });
    if (!plan.ok) throw new NotFound('ValidationError', plan.error);
    const gateway = devices.gateway;
    const cycle = gateway ? nextCycle(gateway, circuit.unit) : Promise.resolve();
    await runPlan(devices, plan);
    // Answer with the state read back after the write, not the state before it.
    await cycle;
    return { success: true, result: devices.object(circuit) };
  }
  throw new NotFound('MethodError', `method ${request.method} is not supported`);
}

/** The path's segments, percent-decoded; undefined when a segment is no valid percent-encoding. */
function decodedParts(path: string): string[] | undefined {
  try {
    return path.split('/').filter((part) => part.length > 0).map(decodeURIComponent);
  } catch (error) {
    if (error instanceof URIError) return undefined;
    throw error;
  }
}

function lookup(devices: EvokDevices, dev: string | undefined, circuit: string | undefined): Circuit {
  const found = devices.find(dev, circuit);
  if ('error' in found) throw new NotFound('Exception', found.error);
  return found.circuit;
}

/**
 * Resolves after the unit's second complete poll cycle from now: the first may have started before the
 * write, the second read the state after it. Gives up after 2 s (a unit that stopped answering).
 */
function nextCycle(gateway: NonNullable<EvokDevices['gateway']>, unit: number): Promise<void> {
  return new Promise<void>((resolve) => {
    let seen = 0;
    const done = (): void => {
      clearTimeout(timer);
      gateway.off('cycle', onCycle);
      resolve();
    };
    const onCycle = (cycled: number): void => { if (cycled === unit && ++seen === 2) done(); };
    const timer = setTimeout(done, 2000);
    gateway.on('cycle', onCycle);
  });
}

/** A request an express body parser already read (Node-RED's admin app parses JSON and forms on `/`). */
interface ParsedRequest extends IncomingMessage {
  _body?: boolean;
  body?: unknown;
}

async function readArguments(request: ParsedRequest, json: boolean, limits: RestLimits): Promise<Record<string, unknown>> {
  const tooLarge = (): NotFound => new NotFound('ValidationError', `the request body is larger than the limit of ${limits.maxValueBytes} bytes`, 413);
  if (request._body === true) {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new NotFound('ValidationError', 'the body must be a JSON object or a form');
    // Parsed by Node-RED's own body parser, with its own limits: ours still apply before anything is written.
    const measure = measureValue(body, limits.maxValueBytes);
    if (measure.bytes > limits.maxValueBytes) throw tooLarge();
    if (measure.depth > limits.maxDepth) throw new NotFound('ValidationError', tooDeepMessage(limits.maxDepth), 400);
    return { ...(body as Record<string, unknown>) };
  }
  const declared = Number(request.headers['content-length']);
  if (declared > limits.maxValueBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limits.maxValueBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = request.headers['content-type'] ?? '';
  if (json || type.includes('application/json')) {
    if (jsonDepthExceeds(text, limits.maxDepth)) throw new NotFound('ValidationError', tooDeepMessage(limits.maxDepth), 400);
    let parsed: unknown;
    try {
      parsed = text.trim() === '' ? {} : JSON.parse(text);
    } catch {
      throw new NotFound('ValidationError', 'the body is not JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new NotFound('ValidationError', 'the body must be a JSON object');
    return parsed as Record<string, unknown>;
  }
  return Object.fromEntries(new URLSearchParams(text));
}

function send(response: ServerResponse, status: number, body: unknown): void {
  const text = pyJson(body);
  response.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  response.end(text);
}
