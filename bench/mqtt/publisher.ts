/**
 * The publishing side of bench:mqtt, in its own process (as instance A is on its own machine):
 * `bridge` publishes a flow tag through a TagSpace and an MqttBridge; `direct` publishes the same
 * payload with MQTT.js straight to a topic. Each value is the send time (ms, sub-ms precision) so the
 * receiver can measure latency. Commands arrive over IPC: { send: count, pauseMs }.
 */
import { connect } from 'mqtt';
import { MqttBridge } from '../../lib/mqtt';
import { FlowTagSource, TagSpace } from '../../lib/tags';

const [mode, url, prefix] = process.argv.slice(2);
export const BENCH_TAG = 'Bench_Trend1';

const now = (): number => performance.timeOrigin + performance.now();
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  let send: (value: number) => void;
  if (mode === 'bridge') {
    const space = new TagSpace({ historySize: 10 });
    const flow = new FlowTagSource();
    space.addSource(flow);
    const bridge = new MqttBridge(space, { url, clientId: 'bench-a', prefix, direction: 'publish' });
    bridge.start();
    await new Promise<void>((resolve) => bridge.once('state', () => resolve()));
    send = (value) => { flow.publish(BENCH_TAG, value); };
  } else {
    const client = connect(url, { protocolVersion: 5, clientId: 'bench-direct-pub' });
    await new Promise<void>((resolve) => client.once('connect', () => resolve()));
    const topic = `${prefix}/direct`;
    send = (value) => {
      client.publish(topic, JSON.stringify({ value, timestamp: Date.now(), quality: 'good', owner: 'bench-direct', writable: true, dataType: 'number' }), { qos: 0 });
    };
  }
  process.on('message', (command: { send: number; pauseMs: number }) => {
    void (async () => {
      for (let index = 0; index < command.send; index++) {
        send(now());
        if (command.pauseMs > 0) await pause(command.pauseMs);
        else if (index % 100 === 99) await turn();
      }
      process.send?.({ sent: command.send });
    })();
  });
  process.send?.({ ready: true });
}

void main();
