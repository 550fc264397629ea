/**
 * The baseline of bench:opcua: plain node-opcua clients in a process of their own, each with one session,
 * one subscription and one monitored item per bench variable, with the parameters the gateway uses
 * (publishing interval, sampling interval 0, queue size 1, discard oldest, both timestamps).
 *
 * As many sessions as the gateway opens against the server: one for the 8081 dialect (its endpoint shares
 * one subscription among all WebSocket clients), one per WebSocket client for the 8082 dialect (each
 * client logs in to a session of its own). The baseline process then decodes as many publish responses
 * as the gateway's process does, and the server serves both alike, so the difference is what the gateway
 * adds on top of node-opcua.
 *
 * argv: endpointUrl, namespaceIndex, sessions, variables, publishingMs.
 * IPC: sends {ready} once every item is monitored; {measure} starts recording; {stop: {from, to}} answers
 * {latencies, cpuMicros} (arrival minus write time, of values written in [from, to)) and closes.
 */
import { performance } from 'node:perf_hooks';
import { ClientMonitoredItem, ClientSubscription, OPCUAClient, TimestampsToReturn, type ClientSession, type DataValue } from 'node-opcua';
import { LatencyWindow } from '../support/latency-window';

const [endpointUrl, namespaceText, sessionsText, variablesText, publishingText] = process.argv.slice(2);
const SESSIONS = Number(sessionsText);
const VARIABLES = Number(variablesText);
const PUBLISHING_MS = Number(publishingText);
const now = (): number => performance.timeOrigin + performance.now();

interface Plain {
  client: OPCUAClient;
  session: ClientSession;
  subscription: ClientSubscription;
}

async function open(onValue: (written: number) => void): Promise<Plain> {
  const client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
  await client.connect(endpointUrl);
  const session = await client.createSession();
  const subscription = ClientSubscription.create(session, {
    requestedPublishingInterval: PUBLISHING_MS, requestedLifetimeCount: 600, requestedMaxKeepAliveCount: 20, maxNotificationsPerPublish: 0, publishingEnabled: true, priority: 1,
  });
  await Promise.all(Array.from({ length: VARIABLES }, (_unused, index) => new Promise<void>((resolve, reject) => {
    const item = ClientMonitoredItem.create(subscription, { nodeId: `ns=${namespaceText};s=Bench${index}`, attributeId: 13 },
      { samplingInterval: 0, queueSize: 1, discardOldest: true }, TimestampsToReturn.Both);
    item.once('initialized', () => resolve());
    item.once('err', (message: string) => reject(new Error(message)));
    item.on('changed', (value: DataValue) => onValue(Number(value.value.value)));
  })));
  return { client, session, subscription };
}

async function main(): Promise<void> {
  const window = new LatencyWindow();
  const onValue = (written: number): void => {
    if (window.isMeasuring) window.record(written, now());
  };
  const plains: Plain[] = [];
  // One after the other, as the gateway's clients log in: no burst of 50 handshakes at once.
  for (let index = 0; index < SESSIONS; index++) plains.push(await open(onValue));
  window.serve(() => {
    void Promise.all(plains.map(async (plain) => {
      await plain.subscription.terminate();
      await plain.session.close();
      await plain.client.disconnect();
    })).finally(() => process.exit(0));
  });
  process.send?.({ ready: true });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
