import type { AgentReply } from './agent-protocol';
import { localAddress } from './local-addresses';
import { Peer } from './peer';
import type { SystemUnderTest } from './system-under-test';
import { evok, opcuaGateway, opcuaServer, raw, winccoa, zato, type WsTarget } from './targets';

export const CYCLES = 10_000;
export const REDEPLOYS = Number(process.env.RELIABILITY_REDEPLOYS ?? 50);
const CONCURRENCY = 32;
/** Tolerances of "unchanged": handles and listeners in count, heap after GC in bytes. */
export const HANDLE_TOLERANCE = 5;
export const LISTENER_TOLERANCE = 2;
export const HEAP_TOLERANCE_BYTES = 8 * 1024 * 1024;

export interface ChurnRow {
  scenario: string;
  count: number;
  failures: number;
  before: AgentReply;
  after: AgentReply;
  seconds: number;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Measures after a full GC once the server has settled (sessions closed, timers of closed clients gone). */
async function settled(system: SystemUnderTest, baseline?: AgentReply): Promise<AgentReply> {
  let last = await system.stats({ gc: true });
  for (let i = 0; i < 20; i++) {
    if (baseline && last.handles <= baseline.handles + HANDLE_TOLERANCE && last.listeners <= baseline.listeners + LISTENER_TOLERANCE) break;
    await sleep(500);
    last = await system.stats({ gc: true });
  }
  return last;
}

export function churnPasses(row: ChurnRow): boolean {
  return row.failures === 0
    && row.after.handles - row.before.handles <= HANDLE_TOLERANCE
    && row.after.listeners - row.before.listeners <= LISTENER_TOLERANCE
    && row.after.heapUsedBytes - row.before.heapUsedBytes <= HEAP_TOLERANCE_BYTES;
}

/** CYCLES connections to /echo, each opened, used every tenth time, and closed; 32 at a time. */
export async function connectCloseCycles(system: SystemUnderTest): Promise<ChurnRow> {
  const url = raw.url(system.ports);
  const cycle = async (n: number): Promise<boolean> => {
    try {
      const peer = await Peer.open(url, undefined, { localAddress: localAddress(n) });
      if (n % 10 === 0) {
        peer.send(`cycle ${n}`);
        await peer.waitFor((text) => text === `cycle ${n}`, 10_000);
      }
      await peer.close();
      return true;
    } catch {
      return false;
    }
  };
  for (let n = 0; n < 200; n++) await cycle(n); // warm-up: first-use allocations are not leaks
  const before = await settled(system);
  const started = Date.now();
  let next = 0;
  let failures = 0;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < CYCLES) if (!(await cycle(next++))) failures += 1;
  }));
  const seconds = (Date.now() - started) / 1000;
  const after = await settled(system, before);
  return { scenario: `${CYCLES.toLocaleString('en')} connect/close cycles on /echo`, count: CYCLES, failures, before, after, seconds };
}

/** One client on every WebSocket endpoint (reconnected after each deploy), to be there during it. */
async function attach(system: SystemUnderTest, targets: WsTarget[]): Promise<Peer[]> {
  const peers: Peer[] = [];
  for (const target of targets) {
    try {
      const peer = await Peer.open(target.url(system.ports));
      if (target.setup) await target.setup(peer, peers.length);
      peers.push(peer);
    } catch {
      // an endpoint still starting after the deploy; the next round attaches again
    }
  }
  return peers;
}

async function accepts(url: string): Promise<boolean> {
  try {
    await (await Peer.open(url)).close();
    return true;
  } catch {
    return false;
  }
}

/** REDEPLOYS full deploys of the same flows through the admin API with clients attached. */
export async function redeploys(system: SystemUnderTest, log: (line: string) => void): Promise<ChurnRow> {
  const flows = await system.flows();
  const targets = [raw, evok, winccoa, zato, opcuaServer, opcuaGateway(system.ports)];
  const ready = async (): Promise<boolean> => {
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      // The endpoints are back once they answer (raw) and accept clients (own port); the OPC UA session of
      // the 8081 dialect reconnects on its own schedule and is not what this row measures.
      if ((await raw.probe(system.ports, 0)) === undefined && (await accepts(opcuaServer.url(system.ports)))) return true;
      await sleep(200);
    }
    return false;
  };
  // Warm-up deploy: the first one creates what later ones reuse.
  await system.deploy(flows);
  await ready();
  const before = await settled(system);
  const started = Date.now();
  let failures = 0;
  for (let i = 0; i < REDEPLOYS; i++) {
    const t0 = Date.now();
    const peers = await attach(system, targets);
    const t1 = Date.now();
    await system.deploy(flows);
    // POST /flows answers before the new endpoints listen; an upgrade in that gap hangs ~5 s (reported in
    // docs/reliability/scorecard.md), so give them a moment.
    await sleep(500);
    const t2 = Date.now();
    if (!(await ready())) {
      failures += 1;
      log(`  deploy ${i + 1}: the endpoints did not answer within 30 s`);
    }
    if (i < 3) log(`  deploy ${i + 1}: ${peers.length} clients attached in ${t1 - t0} ms, deploy ${t2 - t1} ms, ready ${Date.now() - t2} ms`);
    await Promise.all(peers.map((peer) => peer.close()));
  }
  const seconds = (Date.now() - started) / 1000;
  await sleep(2_000);
  const after = await settled(system, before);
  return { scenario: `${REDEPLOYS} full redeploys with a client on every endpoint`, count: REDEPLOYS, failures, before, after, seconds };
}
