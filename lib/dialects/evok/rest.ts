import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Circuit } from '../../modbus';
import { authenticate, type AuthPolicy } from '../../server/auth';
import { planSet, runPlan, SetFailure } from './commands';
import type { EvokDevices } from './devices';
import { kindsOfDev } from './names';
import { pyJson } from './py-json';
import type { HttpHandler } from './sources';

const MAX_BODY_BYTES = 64 * 1024;

class NotFound extends Error {
  constructor(readonly kind: string, message: string) {
    super(message);
  }
}

/**
 * EVOK's REST API beside the WebSocket, under the same path root (`/ws` -> `/rest/...`, `/json/...`):
 * GET all, a device, one property; POST form (`value=1`) or JSON keywords, answered with the device as
 * read back after the write. Every failure is HTTP 404 with `{"success": false, "errors": {...}}`.
 */
export function createRestHandler(devices: EvokDevices, root: string, auth: AuthPolicy, log: (text: string) => void): HttpHandler {
  const prefix = root.endsWith('/') ? root : `${root}/`;
  return (request, response, next) => {
    const path = (request.url ?? '/').split('?')[0];
    if (!path.startsWith(`${prefix}rest/`) && !path.startsWith(`${prefix}json/`)) return next();
    const parts = path.slice(prefix.length).split('/').filter((part) => part.length > 0).map(decodeURIComponent);
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
    answer(devices, api === 'json', request, parts).then(
      (body) => send(response, 200, body),
      (error: unknown) => {
        // A failed set names its outcome: WriteFailed (nothing was executed) or WriteOutcomeUnknown.
        const kind = error instanceof NotFound ? error.kind : error instanceof SetFailure ? (error.outcome === 'unknown' ? 'WriteOutcomeUnknown' : 'WriteFailed') : 'Error';
        const message = error instanceof Error ? error.message : String(error);
        if (!(error instanceof NotFound)) log(`evok REST ${request.method} ${path}: ${message}`);
        send(response, 404, { success: false, errors: { [kind]: message } });
      },
    );
  };
}

async function answer(devices: EvokDevices, json: boolean, request: IncomingMessage, parts: string[]): Promise<unknown> {
  const [dev, circuitName, property] = parts;
  if (request.method === 'GET') {
    if (dev === 'all' && parts.length === 1) return devices.ordered.map((c) => devices.object(c));
    const kinds = kindsOfDev(dev);
    if (!kinds || parts.length < 2 || parts.length > 3) throw new NotFound('KeyError', `unknown device type or path ${parts.join('/')}`);
    const circuits = circuitName === 'all' ? devices.ofKinds(kinds) : [lookup(devices, dev, circuitName)];
    if (property === undefined) return circuitName === 'all' ? circuits.map((c) => devices.object(c)) : devices.object(circuits[0]);
    const pick = (c: Circuit): unknown => {
      const object = devices.object(c);
      if (property.startsWith('_') || !(property in object)) throw new NotFound('AttributeError', `${c.kind} ${c.id} has no property ${property}`);
      return object[property];
    };
    return circuitName === 'all' ? circuits.map((c) => ({ circuit: c.id, [property]: pick(c) })) : { [property]: pick(circuits[0]) };
  }
  if (request.method === 'POST') {
    if (parts.length !== 2) throw new NotFound('KeyError', `POST needs /<dev>/<circuit>, got ${parts.join('/')}`);
    const circuit = lookup(devices, dev, circuitName);
    const args = await readArguments(request, json);
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

async function readArguments(request: ParsedRequest, json: boolean): Promise<Record<string, unknown>> {
  if (request._body === true) {
    const body = request.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new NotFound('ValidationError', 'the body must be a JSON object or a form');
    return { ...(body as Record<string, unknown>) };
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new NotFound('ValidationError', 'request body too large');
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  const type = request.headers['content-type'] ?? '';
  if (json || type.includes('application/json')) {
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
