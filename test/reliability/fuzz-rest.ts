import http = require('node:http');
import { BATCH, FRAMES_PER_DIALECT, recordStall, type FuzzRow } from './fuzz-row';
import { mutate, type Json } from './mutate';
import type { Prng } from './prng';
import type { SystemUnderTest } from './system-under-test';
import { messageOf } from '../../lib/util/errors';

const DEVICES = ['relay', 'ro', 'do', 'di', 'ai', 'ao', 'led', 'wd', 'register', 'all', 'input', 'output', 'analoginput'];
const CIRCUITS = ['1_01', '2_03', '3_01', 'all', '9_99'];
const HOSTILE_SEGMENTS = ['__proto__', 'constructor', 'prototype', '%', '%E0%A4%A', '%00', '%ff%fe', '..', '.', '%2e%2e', 'x'.repeat(4000), '\u00e9', '%F0%9F%98%80', '*', '_value'];
/** Requests at once, over keep-alive connections. */
const CONCURRENCY = 4;

interface Answer {
  status: number;
}

function request(port: number, agent: http.Agent, method: string, path: string, body: string | undefined, contentType: string | undefined): Promise<Answer> {
  return new Promise((resolve) => {
    const headers: http.OutgoingHttpHeaders = {};
    if (contentType) headers['Content-Type'] = contentType;
    if (body !== undefined) headers['Content-Length'] = Buffer.byteLength(body);
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent, timeout: 10_000 }, (response) => {
      response.resume();
      response.once('end', () => resolve({ status: response.statusCode ?? 0 }));
      response.once('error', () => resolve({ status: -1 }));
    });
    req.once('timeout', () => req.destroy(new Error('timeout')));
    req.once('error', () => resolve({ status: -1 }));
    req.end(body);
  });
}

/** A mutated EVOK REST request: method, path segments, body and content type. */
function mutatedRequest(rng: Prng): { method: string; path: string; body?: string; contentType?: string } {
  const api = rng.pick(['rest', 'rest', 'rest', 'json']);
  const segments = [rng.pick(DEVICES), rng.pick(CIRCUITS)];
  if (rng.chance(0.3)) segments.push(rng.pick(['value', 'mode', 'pwm_duty', '_value', 'circuit']));
  const roll = rng.next();
  if (roll < 0.3) segments[rng.int(segments.length)] = rng.pick(HOSTILE_SEGMENTS);
  else if (roll < 0.35) segments.push(...Array.from({ length: rng.pick([10, 500]) }, () => 'a'));
  else if (roll < 0.4) segments.length = rng.int(segments.length);
  const path = `/${api}/${segments.join('/')}${rng.chance(0.05) ? '?value=1&value=2' : ''}`;
  const method = rng.pick(['GET', 'GET', 'POST', 'POST', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH']);
  if (method !== 'POST' && method !== 'PUT') return { method, path };
  if (rng.chance(0.5)) {
    const value = rng.pick(['1', '0', '5.5', '', '1e999', '-1', 'abc', '%', '%zz', 'x'.repeat(70_000)]);
    return { method, path, body: rng.chance(0.8) ? `value=${value}` : `value=${value}&mode=${value}&__proto__[x]=1`, contentType: 'application/x-www-form-urlencoded' };
  }
  const frame = mutate(rng.pick<Json>([{ value: 1 }, { value: 5.5, mode: 'Voltage' }, { pwm_duty: 50 }, { value: { value: 1, timeout: 5 } }]), rng);
  return { method, path, body: typeof frame.data === 'string' ? frame.data : frame.data.toString('latin1'), contentType: rng.pick(['application/json', 'application/json', 'text/plain', 'application/x-www-form-urlencoded', '']) };
}

async function probe(port: number): Promise<string | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}/rest/relay/1_01`, { signal: AbortSignal.timeout(10_000) });
    const body = await response.text();
    return response.status === 200 && body.includes('"circuit"') ? undefined : `GET /rest/relay/1_01: HTTP ${response.status} ${body.slice(0, 200)}`;
  } catch (error) {
    return messageOf(error);
  }
}

/** The EVOK REST API beside /ws, fuzzed with FRAMES_PER_DIALECT requests the way fuzz-ws does frames. */
export async function fuzzEvokRest(system: SystemUnderTest, rng: Prng, log: (line: string) => void): Promise<FuzzRow> {
  const started = Date.now();
  const crashesBefore = system.crashes;
  const row: FuzzRow = { dialect: 'evok REST /rest', frames: 0, crashes: 0, batches: 0, aliveBatches: 0, maxStallMs: 0, maxWallStallMs: 0, errorsAnswered: 0, serverCloses: 0, seconds: 0 };
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  await system.stats({ reset: true });
  for (let batch = 0; batch < FRAMES_PER_DIALECT / BATCH; batch++) {
    row.batches += 1;
    const requests = Array.from({ length: BATCH }, () => mutatedRequest(rng));
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length && system.alive) {
        const { method, path, body, contentType } = requests[next++];
        const answer = await request(system.ports.http, agent, method, path, body, contentType);
        row.frames += 1;
        if (answer.status >= 400) row.errorsAnswered += 1;
        if (answer.status === -1) row.serverCloses += 1;
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    const failure = system.alive ? await probe(system.ports.http) : 'Node-RED is not running';
    if (system.alive) recordStall(row, await system.stats({ reset: true }));
    if (failure === undefined && system.alive) row.aliveBatches += 1;
    else row.firstProbeFailure ??= `batch ${batch + 1}: ${failure}`;
    if (!system.alive) {
      log(`  evok REST: Node-RED crashed; restarting\n${system.log().slice(-3000)}`);
      await system.restart();
      await system.stats({ reset: true });
    }
  }
  agent.destroy();
  row.crashes = system.crashes - crashesBefore;
  row.seconds = (Date.now() - started) / 1000;
  return row;
}
