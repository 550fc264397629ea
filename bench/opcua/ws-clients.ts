/**
 * The WebSocket clients of bench:opcua, in their own process as real clients would be: in the bench's
 * process their receiving and parsing would count as latency the gateway adds. Each value is the
 * wall-clock time of its write on the server (bench/opcua/server-process.ts); arrivals are stamped with
 * the same clock (performance.timeOrigin + now), comparable across processes.
 *
 * argv: dialect (opcua-server | opcua-gateway), port, clients, variables, endpointUrl, namespaceIndex, publishingMs.
 * IPC: sends {ready} once every client monitors every variable; {measure} starts recording;
 * {stop: {from, to}} answers {latencies, cpuMicros} (arrival minus write time, of values written in
 * [from, to)) and closes the clients.
 */
import { performance } from 'node:perf_hooks';
import WebSocket = require('ws');
import { LatencyWindow } from '../support/latency-window';

const [dialect, port, clientsText, variablesText, endpointUrl, namespaceText, publishingText] = process.argv.slice(2);
const CLIENTS = Number(clientsText);
const VARIABLES = Number(variablesText);
const PUBLISHING_MS = Number(publishingText);
// The gateway's frames are checked by its tests; here validating them again would only slow the clients down.
const clientOptions = { skipUTF8Validation: true };

function openClients(port: number, protocol?: string): Promise<WebSocket[]> {
  return Promise.all(Array.from({ length: CLIENTS }, () => new Promise<WebSocket>((resolve, reject) => {
    const socket = protocol ? new WebSocket(`ws://127.0.0.1:${port}`, protocol, clientOptions) : new WebSocket(`ws://127.0.0.1:${port}`, clientOptions);
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  })));
}

function closeClients(sockets: WebSocket[]): Promise<void[]> {
  return Promise.all(sockets.map((socket) => new Promise<void>((resolve) => { socket.once('close', () => resolve()); socket.close(); })));
}

/** GW_LoginRequest, GW_CreateSubscriptionRequest and GW_CreateMonitoredItemsRequest for every bench variable. */
async function subscribeThroughGateway(socket: WebSocket, endpointUrl: string, namespaceIndex: number): Promise<void> {
  const next = (type: string): Promise<{ Header: { StatusCode?: string }; Body: Record<string, string> }> => new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const message = JSON.parse(String(data)) as { Header: { MessageType: string; StatusCode?: string }; Body: Record<string, string> };
      if (message.Header.MessageType !== type) return;
      socket.off('message', onMessage);
      resolve(message);
    };
    socket.on('message', onMessage);
  });
  const send = (type: string, body: unknown, sessionId?: string): void => {
    socket.send(JSON.stringify({ Header: { MessageType: type, ClientHandle: 'bench', ...(sessionId ? { SessionId: sessionId } : {}) }, Body: body }));
  };
  const login = next('GW_LoginResponse');
  const connected = next('GW_SessionStatusNotify');
  send('GW_LoginRequest', { DiscoveryUrl: endpointUrl });
  const sessionId = (await login).Body.SessionId;
  await connected;
  const subscription = next('GW_CreateSubscriptionResponse');
  send('GW_CreateSubscriptionRequest', { RequestedPublishingInterval: String(PUBLISHING_MS), RequestedLifetimeCount: '600', RequestedMaxKeepAliveCount: '20' }, sessionId);
  const subscriptionId = (await subscription).Body.SubscriptionId;
  const created = next('GW_CreateMonitoredItemsResponse');
  send('GW_CreateMonitoredItemsRequest', {
    SubscriptionId: subscriptionId,
    ItemsToCreate: Array.from({ length: VARIABLES }, (_unused, index) => ({
      ItemToMonitor: { NodeId: { IdType: '1', Id: `Bench${index}`, Namespace: String(namespaceIndex) }, AttributeId: '13' },
      RequestedParameters: { ClientHandle: String(index), SamplingInterval: '0', QueueSize: '1', DiscardOldest: 'true' },
    })),
  }, sessionId);
  const answer = await created;
  if (answer.Header.StatusCode !== '0') throw new Error(`GW_CreateMonitoredItemsRequest failed: ${JSON.stringify(answer.Header)}`);
}

const updateType = dialect === 'opcua-server' ? '"MONITORUPDATE_MESSAGE"' : '"GW_DataChangeNotify"';

/**
 * The written value (its write time) of an update, found by position rather than a full parse: the first `"Body":"`
 * of either dialect's update is the Variant's body (8081 Body.Value.Body, 8082 Body.Value.Value.Body).
 * Fifty clients share this one process, so what each frame costs here would count as gateway latency.
 */
function valueOf(frame: string): number | undefined {
  if (!frame.includes(updateType)) return undefined;
  const start = frame.indexOf('"Body":"');
  if (start < 0) return undefined;
  const from = start + 8;
  return Number(frame.slice(from, frame.indexOf('"', from)));
}

async function main(): Promise<void> {
  let sockets: WebSocket[];
  if (dialect === 'opcua-server') {
    // ClientHandle = variable name, as ASNeG's JS client does.
    sockets = await openClients(Number(port), 'json');
    for (const socket of sockets) {
      for (let index = 0; index < VARIABLES; index++) {
        socket.send(JSON.stringify({ Header: { MessageType: 'MONITORSTART_REQUEST', ClientHandle: `Bench${index}` }, Body: { Variable: `Bench${index}` } }));
      }
    }
  } else {
    sockets = await openClients(Number(port));
    await Promise.all(sockets.map((socket) => subscribeThroughGateway(socket, endpointUrl, Number(namespaceText))));
  }
  const window = new LatencyWindow();
  for (const socket of sockets) {
    socket.on('message', (data) => {
      if (!window.isMeasuring) return;
      const value = valueOf(String(data));
      if (value !== undefined) window.record(value, performance.timeOrigin + performance.now());
    });
  }
  window.serve(() => { void closeClients(sockets).then(() => process.exit(0)); });
  process.send?.({ ready: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
