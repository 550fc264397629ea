import net = require('node:net');
import type { AgentReply } from './agent-protocol';
import { Peer } from './peer';
import type { SystemUnderTest } from './system-under-test';
import { evok, opcuaGateway, opcuaServer, raw, winccoa, zato, type SessionState, type WsTarget } from './targets';

/** The endpoints' configured outbound bound (outboundBudgetBytes of the examples, the default). */
export const OUTBOUND_BUDGET_BYTES = 1024 * 1024;
/** Memory a slow reader may make the server keep, beyond its outbound bound: Node-RED's own churn. */
export const SLACK_BYTES = 16 * 1024 * 1024;
/** Longer than the endpoints' over-budget close (overBudgetCloseSeconds, 10 s by default). */
const RUN_MS = 12_000;
const SEND_EVERY_MS = 4;

export interface SlowReaderRow {
  dialect: string;
  requests: number;
  /** Requested answer bytes, roughly (what the server would have had to queue). */
  demandedBytes: number;
  rssPeakGrowth: number;
  retainedGrowth: number;
  closedByServer: boolean;
  alive: boolean;
}

/** Requests with big answers (or subscriptions), one per dialect. */
interface Flood {
  target: WsTarget;
  request(state: SessionState, n: number): string;
  answerBytes: number;
}

const BIG = 'x'.repeat(64 * 1024);

function floods(system: SystemUnderTest): Flood[] {
  return [
    { target: raw, request: (_s, n) => `${n} ${BIG}`, answerBytes: BIG.length },
    { target: evok, request: () => '{"cmd":"all"}', answerBytes: 20_000 },
    { target: winccoa, request: (_s, n) => JSON.stringify({ DpGetPeriod: { Id: n, Dps: ['ExampleDP_Trend1.', 'ExampleDP_Trend2.'], T1: '2000-01-01T00:00:00.000', T2: '2100-01-01T00:00:00.000' } }), answerBytes: 60_000 },
    { target: opcuaServer, request: (_s, n) => JSON.stringify({ Header: { MessageType: n % 10 === 0 ? 'MONITORSTART_REQUEST' : 'VALUELIST_REQUEST', ClientHandle: `s${n}` }, Body: n % 10 === 0 ? { Variable: 'Sine' } : {} }), answerBytes: 1_000 },
    { target: opcuaGateway(system.ports), request: (s, n) => JSON.stringify({ Header: { MessageType: 'GW_BrowseRequest', ClientHandle: `b${n}`, SessionId: s.sessionId }, Body: { RequestedMaxReferencesPerNode: 0, NodesToBrowse: [{ NodeId: { Namespace: '0', Id: '2253' }, BrowseDirection: 2, IncludeSubtypes: true, NodeClassMask: 0, ResultMask: 63 }] } }), answerBytes: 10_000 },
    { target: zato, request: (s, n) => JSON.stringify({ meta: { action: 'invoke-service', id: `slow.${n}`, timestamp: '2024-05-01T10:00:00.123456', token: s.token, client_id: 'wsx.out.slow', client_name: 'slow reader' }, data: { service: 'zato.helpers.echo', request: { big: BIG } } }), answerBytes: BIG.length },
  ];
}

async function measure(system: SystemUnderTest, dialect: string, run: (stop: () => boolean) => Promise<{ requests: number; demanded: number; closed: () => boolean; close(): void }>): Promise<SlowReaderRow> {
  const before = await system.stats({ gc: true });
  let peak = before.rssBytes;
  const deadline = Date.now() + RUN_MS;
  const sampler = setInterval(() => {
    system.stats().then((s) => { peak = Math.max(peak, s.rssNoGcBytes); }, () => {});
  }, 250);
  const flood = await run(() => Date.now() > deadline);
  clearInterval(sampler);
  // Retained while the slow client is still connected: what the server holds for it after a full GC.
  const during: AgentReply = await system.stats({ gc: true });
  const closedByServer = flood.closed();
  flood.close();
  // Let the server see the close and drop what it held, so the next row starts from its own baseline.
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  const alive = system.alive;
  return {
    dialect,
    requests: flood.requests,
    demandedBytes: flood.demanded,
    rssPeakGrowth: Math.max(0, peak - before.rssBytes, during.rssNoGcBytes - before.rssBytes),
    retainedGrowth: during.heapUsedBytes + during.buffersBytes - (before.heapUsedBytes + before.buffersBytes),
    closedByServer,
    alive,
  };
}

/** A WebSocket client that sends requests and never reads an answer. */
async function slowWebSocket(system: SystemUnderTest, flood: Flood): Promise<SlowReaderRow> {
  const peer = await Peer.open(flood.target.url(system.ports));
  const state = flood.target.setup ? await flood.target.setup(peer, 1) : {};
  // From here on nothing is read: the socket is paused, the kernel buffers fill, then the server's queue.
  peer.ws.pause();
  return measure(system, flood.target.name, async (stop) => {
    let requests = 0;
    while (!stop() && peer.open) {
      peer.send(flood.request(state, requests));
      requests += 1;
      await new Promise((resolve) => setTimeout(resolve, SEND_EVERY_MS));
    }
    return {
      requests,
      demanded: requests * flood.answerBytes,
      closed: () => !peer.open,
      close: () => { peer.ws.terminate(); },
    };
  });
}

/** EVOK REST with HTTP pipelining: GET /rest/all again and again on one connection, never reading. */
async function slowRest(system: SystemUnderTest): Promise<SlowReaderRow> {
  const socket = net.connect(system.ports.http, '127.0.0.1');
  await new Promise((resolve, reject) => { socket.once('connect', resolve); socket.once('error', reject); });
  socket.pause();
  let closed = false;
  socket.on('close', () => { closed = true; });
  socket.on('error', () => { closed = true; });
  return measure(system, 'evok REST /rest', async (stop) => {
    let requests = 0;
    while (!stop() && !closed) {
      socket.write(`GET /rest/all HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      requests += 1;
      await new Promise((resolve) => setTimeout(resolve, SEND_EVERY_MS));
    }
    return { requests, demanded: requests * 20_000, closed: () => closed, close: () => { socket.destroy(); } };
  });
}

export async function slowReaders(system: SystemUnderTest, log: (line: string) => void): Promise<SlowReaderRow[]> {
  const rows: SlowReaderRow[] = [];
  for (const flood of floods(system)) {
    log(`slow reader on ${flood.target.name} ...`);
    rows.push(await slowWebSocket(system, flood));
    if (!system.alive) await system.restart();
  }
  log('slow reader on evok REST ...');
  rows.push(await slowRest(system));
  if (!system.alive) await system.restart();
  return rows;
}

export function slowReaderPasses(row: SlowReaderRow): boolean {
  return row.alive && row.retainedGrowth <= OUTBOUND_BUDGET_BYTES + SLACK_BYTES;
}
