import type { Json } from './mutate';
import { Peer } from './peer';
import type { Prng } from './prng';
import type { Ports } from './system-under-test';
import { messageOf } from '../../lib/util/errors';

/** What a fuzzed connection knows after its setup (a Zato token, an OPC UA gateway session). */
export type SessionState = Record<string, string>;

/** One WebSocket dialect of the demo, as the scorecard drives it. */
export interface WsTarget {
  name: string;
  url(ports: Ports): string;
  /** A valid request of the protocol, the starting point of a mutation. */
  valid(rng: Prng, state: SessionState, n: number): Json;
  /** Runs after connecting, before fuzzing (log in, open a session). */
  setup?(peer: Peer, n: number): Promise<SessionState>;
  /** A valid request on a new connection that must be answered correctly; resolves to an error text or undefined. */
  probe(ports: Ports, n: number): Promise<string | undefined>;
  /** Replies that report an error. */
  isError(text: string): boolean;
}

function weighted<T>(rng: Prng, choices: Array<[number, () => T]>): T {
  const total = choices.reduce((sum, [weight]) => sum + weight, 0);
  let roll = rng.next() * total;
  for (const [weight, make] of choices) {
    roll -= weight;
    if (roll < 0) return make();
  }
  return choices[choices.length - 1][1]();
}

async function withPeer(url: string, use: (peer: Peer) => Promise<string | undefined>): Promise<string | undefined> {
  let peer: Peer | undefined;
  try {
    peer = await Peer.open(url);
    return await use(peer);
  } catch (error) {
    return messageOf(error);
  } finally {
    await peer?.close();
  }
}

const parse = (text: string): Record<string, unknown> => {
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? value as Record<string, unknown> : {};
  } catch {
    return {};
  }
};

export const raw: WsTarget = {
  name: 'raw /echo',
  url: (ports) => `ws://127.0.0.1:${ports.http}/echo`,
  valid: (rng, _state, n) => rng.pick<Json>([
    `hello ${n}`,
    { type: 'reading', payload: { value: n, unit: 'V', at: '2024-05-01T10:00:00Z' } },
    [1, 2, 3, { a: 'b' }],
    { topic: 'plant/line1', payload: [{ id: 'x', v: 1.5 }] },
  ]),
  probe: (ports, n) => withPeer(raw.url(ports), async (peer) => {
    const text = `probe ${n}`;
    peer.send(text);
    await peer.waitFor((reply) => reply === text);
    return undefined;
  }),
  isError: (text) => text.startsWith('{"error"'),
};

const EVOK_SETS: Json[] = [
  { cmd: 'set', dev: 'relay', circuit: '1_01', value: 1 },
  { cmd: 'set', dev: 'relay', circuit: '1_01', value: 0 },
  { cmd: 'set', dev: 'ao', circuit: '2_03', value: 5.5 },
  { cmd: 'set', dev: 'relay', circuit: '2_01', value: { value: 1, timeout: 5 } },
  { cmd: 'set', dev: 'ao', circuit: '2_03', mode: 'Voltage' },
  { cmd: 'set', dev: 'led', circuit: '1_01', value: 1 },
  { cmd: 'set', dev: 'do', circuit: '1_01', pwm_duty: 50 },
];

export const evok: WsTarget = {
  name: 'evok WS /ws',
  url: (ports) => `ws://127.0.0.1:${ports.http}/ws`,
  valid: (rng) => weighted<Json>(rng, [
    [2, () => ({ cmd: 'all' })],
    [2, () => ({ cmd: 'filter', devices: rng.pick([['relay', 'ao'], ['default'], [], ['ai', 'di', 'register']]) })],
    [5, () => rng.pick(EVOK_SETS)],
    [2, () => ({ cmd: 'full', dev: rng.pick(['ai', 'relay', 'di', 'ao']), circuit: rng.pick(['1_01', '2_03', '3_01']) })],
  ]),
  setup: async (peer) => {
    // Only answers to "all" and "full", not the drifting analog inputs.
    peer.sendJson({ cmd: 'filter', devices: [] });
    return {};
  },
  probe: (ports) => withPeer(evok.url(ports), async (peer) => {
    peer.sendJson({ cmd: 'filter', devices: [] });
    peer.sendJson({ cmd: 'all' });
    const reply = await peer.waitFor((text) => text.startsWith('[') && text.includes('"circuit"'));
    return (JSON.parse(reply) as unknown[]).length >= 10 ? undefined : `short answer to all: ${reply.slice(0, 200)}`;
  }),
  isError: (text) => text.startsWith('{"error"'),
};

const DPS = ['ExampleDP_Trend1.', 'ExampleDP_Arg1.', 'ExampleDP_Arg2.', 'Neuron_RO_2_01.', 'Neuron_AI_1_01.', 'Sine.', 'Setpoint.'];
const QUERIES = [
  "SELECT '_online.._value' FROM 'ExampleDP_*.'",
  "SELECT '_online.._value' FROM '*'",
  "SELECT '_online.._value, _online.._stime' FROM 'Neuron_*.' WHERE '_online.._value' > 1",
  "SELECT '_original.._value' FROM '{ExampleDP_Arg1,ExampleDP_Arg2}.' WHERE _DPT = \"ExampleDP_Float\"",
  "SELECT '_online.._value' FROM 'System1:ExampleDP_Arg?.'",
];

export const winccoa: WsTarget = {
  name: 'winccoa /winccoa',
  url: (ports) => `ws://127.0.0.1:${ports.http}/winccoa?username=demo&password=demo`,
  valid: (rng, _state, n) => weighted<Json>(rng, [
    [3, () => ({ DpGet: { Id: n, Dps: [rng.pick(DPS), rng.pick(DPS)] } })],
    [3, () => ({ DpSet: { Id: n, Wait: rng.chance(0.5), Values: [{ Dp: rng.pick(['ExampleDP_Arg1.', 'ExampleDP_Arg2.', 'Setpoint.']), Value: rng.int(100) }] } })],
    [2, () => ({ DpConnect: { Id: n, Dps: [rng.pick(DPS)], Answer: rng.chance(0.5) } })],
    [1, () => ({ DpDisconnect: { Id: n - rng.int(5) } })],
    [2, () => ({ DpQueryConnect: { Id: n, Query: rng.pick(QUERIES), Answer: true } })],
    [1, () => ({ DpQueryDisconnect: { Id: n - rng.int(5) } })],
    [2, () => ({ DpGetPeriod: { Id: n, Dps: ['ExampleDP_Trend1.'], T1: '2018-02-07T18:10:00.000', T2: '2018-02-07T23:59:59.999', Count: 0 } })],
  ]),
  probe: (ports, n) => withPeer(winccoa.url(ports), async (peer) => {
    const id = 900_000 + n;
    peer.sendJson({ DpGet: { Id: id, Dps: ['ExampleDP_Arg1.'] } });
    const reply = parse(await peer.waitFor((text) => text.includes(`"Id":${id}`))).DpGetResult as { Error?: number } | undefined;
    return reply?.Error === 0 ? undefined : `DpGet answered ${JSON.stringify(reply)}`;
  }),
  isError: (text) => /"Error":\s*-?[1-9]/.test(text),
};

const ASNEG_VARIABLES = ['Double', 'Sine', 'Setpoint', 'Boolean', 'Int32', 'String', 'Nope'];

export const opcuaServer: WsTarget = {
  name: 'opcua-server :8081',
  url: (ports) => `ws://127.0.0.1:${ports.opcuaServer}`,
  valid: (rng, _state, n) => {
    const header = { MessageType: '', ClientHandle: `h${n}` };
    const [type, body] = weighted<[string, Json]>(rng, [
      [1, () => ['VALUELIST_REQUEST', {}]],
      [1, () => ['VALUEINFO_REQUEST', { Variables: [rng.pick(ASNEG_VARIABLES), rng.pick(ASNEG_VARIABLES)] }]],
      [4, () => ['READ_REQUEST', { Variable: rng.pick(ASNEG_VARIABLES) }]],
      [2, () => ['WRITE_REQUEST', { Variable: 'Setpoint', Value: { Value: { Type: '11', Body: String(rng.int(100)) } } }]],
      [1, () => ['MONITORSTART_REQUEST', { Variable: rng.pick(ASNEG_VARIABLES) }]],
      [1, () => ['MONITORSTOP_REQUEST', { Variable: rng.pick(ASNEG_VARIABLES) }]],
      [1, () => ['HISTORICALREAD_REQUEST', { Variable: 'Sine', StartTime: '2019-05-04T14:33:04Z', EndTime: '2050-05-04T14:33:04Z' }]],
    ]);
    header.MessageType = type;
    return { Header: header, Body: body };
  },
  probe: (ports, n) => withPeer(opcuaServer.url(ports), async (peer) => {
    const handle = `probe-${n}`;
    peer.sendJson({ Header: { MessageType: 'READ_REQUEST', ClientHandle: handle }, Body: { Variable: 'Double' } });
    const reply = parse(await peer.waitFor((text) => text.includes(`"${handle}"`)));
    const body = reply.Body as { Value?: unknown; StatusCode?: string } | undefined;
    return body?.Value !== undefined ? undefined : `READ answered ${JSON.stringify(reply)}`;
  }),
  isError: (text) => text.includes('"StatusCode":"Bad') || text.includes('"MessageType":"ERROR"'),
};

const ns0 = (id: number): Json => ({ Namespace: '0', Id: String(id) });

function gatewayLogin(ports: Ports, handle: string): Json {
  return { Header: { MessageType: 'GW_LoginRequest', ClientHandle: handle }, Body: { DiscoveryUrl: `opc.tcp://127.0.0.1:${ports.opcua}` } };
}

/** Logs in and waits until the gateway's OPC UA session is connected; returns the SessionId. */
async function gatewaySession(peer: Peer, ports: Ports, handle: string): Promise<string> {
  const connected = peer.waitFor((text) => text.includes('GW_SessionStatusNotify') && text.includes('"Connect"'), 20_000);
  const login = peer.waitFor((text) => text.includes('GW_LoginResponse'));
  peer.sendJson(gatewayLogin(ports, handle));
  const answer = parse(await login) as { Body?: { SessionId?: string } };
  await connected;
  const sessionId = answer.Body?.SessionId;
  if (!sessionId) throw new Error(`login answered ${JSON.stringify(answer)}`);
  return sessionId;
}

export function opcuaGateway(ports: Ports): WsTarget {
  const target: WsTarget = {
    name: 'opcua-gateway :8082',
    url: () => `ws://127.0.0.1:${ports.opcuaGateway}`,
    valid: (rng, state, n) => {
      const [type, body] = weighted<[string, Json]>(rng, [
        [5, () => ['GW_ReadRequest', { NodesToRead: [{ NodeId: ns0(rng.pick([2258, 2259, 2256])), AttributeId: '13' }] }]],
        [2, () => ['GW_WriteRequest', { NodesToWrite: [{ NodeId: ns0(2258), AttributeId: '13', Value: { Value: { Type: '11', Body: '1.5' } } }] }]],
        [2, () => ['GW_BrowseRequest', { RequestedMaxReferencesPerNode: 0, NodesToBrowse: [{ NodeId: ns0(85), BrowseDirection: 0, IncludeSubtypes: true, NodeClassMask: 0, ResultMask: 63 }] }]],
        [1, () => ['GW_BrowseNextRequest', { ReleaseContinuationPoints: true, ContinuationPoints: ['AAAA'] }]],
        [1, () => ['GW_TranslateBrowsePathsToNodeIdsRequest', { BrowsePaths: [{ StartingNode: ns0(84), RelativePath: { Elements: [{ IsInverse: false, IncludeSubtypes: true, TargetName: { Name: 'Objects' } }] } }] }]],
        [1, () => ['GW_CallRequest', { MethodsToCall: [{ ObjectId: ns0(2253), MethodId: ns0(11492), InputArguments: [{ Type: '7', Body: '1' }] }] }]],
        [1, () => ['GW_CreateSubscriptionRequest', { RequestedPublishingInterval: 1000 }]],
        [1, () => ['GW_CreateMonitoredItemsRequest', { SubscriptionId: String(1 + rng.int(5)), ItemsToCreate: [{ ItemToMonitor: { NodeId: ns0(2258) }, RequestedParameters: { ClientHandle: n, SamplingInterval: 1000 } }] }]],
        [1, () => ['GW_DeleteSubscriptionsRequest', { SubscriptionIds: [String(1 + rng.int(5))] }]],
        [1, () => ['GW_HistoryReadRequest', { HistoryReadDetails: { TypeId: { Id: '15263' }, Body: { IsReadModified: 'False', StartTime: '2019-05-04T14:33:04Z', EndTime: '2050-05-04T14:33:04Z', NumValuesPerNode: '0', ReturnBounds: 'True' } }, NodesToRead: [{ NodeId: ns0(2258) }] }]],
        [0.2, () => ['GW_LogoutRequest', {}]],
        [0.3, () => ['GW_LoginRequest', { DiscoveryUrl: `opc.tcp://127.0.0.1:${ports.opcua}`, SecurityMode: 'None', UserAuth: { Type: 'Anonymous' } }]],
      ]);
      return { Header: { MessageType: type, ClientHandle: `c${n}`, SessionId: state.sessionId ?? '' }, Body: body };
    },
    setup: async (peer, n) => ({ sessionId: await gatewaySession(peer, ports, `fuzz-${n}`) }),
    probe: (_ports, n) => withPeer(target.url(ports), async (peer) => {
      const sessionId = await gatewaySession(peer, ports, `probe-${n}`);
      const read = peer.waitFor((text) => text.includes('GW_ReadResponse'));
      peer.sendJson({ Header: { MessageType: 'GW_ReadRequest', ClientHandle: `probe-${n}`, SessionId: sessionId }, Body: { NodesToRead: [{ NodeId: ns0(2258), AttributeId: '13' }] } });
      const reply = parse(await read) as { Header?: { StatusCode?: string } };
      const logout = peer.waitFor((text) => text.includes('GW_LogoutResponse'));
      peer.sendJson({ Header: { MessageType: 'GW_LogoutRequest', ClientHandle: `probe-${n}`, SessionId: sessionId }, Body: {} });
      await logout;
      return reply.Header?.StatusCode === '0' ? undefined : `GW_ReadRequest answered ${JSON.stringify(reply)}`;
    }),
    isError: (text) => /"StatusCode":"[1-9]/.test(text),
  };
  return target;
}

function zatoMeta(action: string, id: string, token: string | null): Record<string, Json> {
  return { action, id, timestamp: '2024-05-01T10:00:00.123456', token, client_id: 'wsx.out.scorecard', client_name: 'reliability scorecard' };
}

async function zatoSession(peer: Peer, id: string): Promise<string> {
  const answer = peer.waitFor((text) => text.includes(`"in_reply_to":"${id}"`));
  peer.sendJson({ meta: { ...zatoMeta('create-session', id, null), username: 'demo', secret: 'demo' }, data: {} });
  const token = (parse(await answer).data as { token?: string } | undefined)?.token;
  if (!token) throw new Error('no session token');
  return token;
}

export const zato: WsTarget = {
  name: 'zato /zato',
  url: (ports) => `ws://127.0.0.1:${ports.http}/zato`,
  valid: (rng, state, n) => weighted<Json>(rng, [
    [6, () => ({ meta: zatoMeta('invoke-service', `zwsxc.inv.${n}`, state.token ?? null), data: { service: 'zato.helpers.echo', request: { elem1: 'value1', elem2: n } } })],
    [1, () => ({ meta: { ...zatoMeta('client-response', `zwsxc.rsp.${n}`, state.token ?? null), in_reply_to: `srv.${n}` }, data: { response: n } })],
    [1, () => ({ meta: { ...zatoMeta('create-session', `zwsxc.auth.${n}`, state.token ?? null), username: 'demo', secret: 'demo' }, data: {} })],
  ]),
  setup: async (peer, n) => ({ token: await zatoSession(peer, `zwsxc.auth.setup.${n}`) }),
  probe: (ports, n) => withPeer(zato.url(ports), async (peer) => {
    const token = await zatoSession(peer, `zwsxc.auth.probe.${n}`);
    const id = `zwsxc.inv.probe.${n}`;
    const answer = peer.waitFor((text) => text.includes(`"in_reply_to":"${id}"`));
    peer.sendJson({ meta: zatoMeta('invoke-service', id, token), data: { service: 'zato.helpers.echo', request: { probe: n } } });
    const reply = parse(await answer) as { meta?: { status?: number }; data?: unknown };
    return reply.meta?.status === 200 ? undefined : `invoke answered ${JSON.stringify(reply).slice(0, 300)}`;
  }),
  isError: (text) => /"status":\s*[45]\d\d/.test(text),
};
