import assert = require('node:assert/strict');
import { after, afterEach, before, describe, it } from 'node:test';
import { connect, type MqttClient } from 'mqtt';
import { MqttBridge } from '../../lib/mqtt';
import { FlowTagSource, TagSpace } from '../../lib/tags';
import { runtimeTags } from '../../nodes/shared/runtime-tags';
import gatewayMqtt = require('../../nodes/ws-gateway-mqtt/ws-gateway-mqtt');
import type { MqttConfigNode } from '../../nodes/ws-gateway-mqtt/mqtt-node';
import { startBroker, type Broker } from '../support/mosquitto';
import type { FlowNode } from '../fixtures/flows/raw-flows';
import { helper } from '../support/node-red';
import { waitFor } from '../support/wait';

const PREFIX = 'node/uns';

describe('ws-gateway-mqtt node', () => {
  let broker: Broker;
  let owner: { space: TagSpace; flow: FlowTagSource; bridge: MqttBridge };
  let sys: MqttClient;
  let connectedClients = -1;

  before(async () => {
    broker = await startBroker();
    await helper.startServer();
    const space = new TagSpace();
    const flow = new FlowTagSource();
    space.addSource(flow);
    const bridge = new MqttBridge(space, { url: broker.url, clientId: 'owner', prefix: PREFIX, remoteWrites: 'line1/setpoint' });
    owner = { space, flow, bridge };
    bridge.start();
    flow.publish('line1/setpoint', 1);
    // Mosquitto's own count of connected clients ($SYS, every second in the test config).
    sys = connect(broker.url, { protocolVersion: 5, clientId: 'sys-watcher' });
    sys.on('message', (_topic, payload) => { connectedClients = Number(payload.toString('utf8')); });
    await sys.subscribeAsync('$SYS/broker/clients/connected');
  });
  afterEach(async () => { await helper.unload(); });
  after(async () => {
    await owner.bridge.close();
    await sys.endAsync(true);
    await helper.stopServer();
    await broker.stop();
  });

  function flow(clientId: string, name = ''): FlowNode[] {
    return [{ id: 'mqtt', type: 'ws-gateway-mqtt', name, broker: broker.url, clientId, prefix: PREFIX, direction: 'both', publish: '', import: '', remoteWrites: '', writeTimeout: 2000 }];
  }

  it('imports the owner\'s tags into the runtime tag space, and a flow write reaches the owner and is confirmed', async () => {
    await helper.load([gatewayMqtt], flow('node-b'));
    const space = runtimeTags({}).space;
    await waitFor(() => space.peek('line1/setpoint')?.quality === 'good', 'remote tag in the runtime space', 10_000);
    await space.write('line1/setpoint', 5);
    assert.equal((await owner.space.read('line1/setpoint')).value, 5);
  });

  it('leaves no MQTT connection behind after redeploys and undeploy, and takes its tags out of the space', async () => {
    const space = runtimeTags({}).space;
    await helper.load([gatewayMqtt], flow('node-b1'));
    for (let deploy = 1; deploy <= 3; deploy += 1) {
      // A full deploy of a changed node: Node-RED closes the old one and creates a new one. A new client id
      // each time, so a connection left behind would not be pushed out by the broker's session takeover.
      if (deploy > 1) await helper.setFlows(flow(`node-b${deploy}`), 'full');
      const node = helper.getNode('mqtt') as unknown as MqttConfigNode;
      await waitFor(() => node.bridge?.connected === true, 'node connected', 10_000);
    }
    await waitFor(() => connectedClients === 3, 'owner, watcher and one node connected', 10_000);
    await helper.unload();
    await waitFor(() => connectedClients === 2, 'only the owner and the watcher left', 10_000);
    assert.equal(space.has('line1/setpoint'), false);
  });

  it('fails the node with a clear message for a broker URL it cannot use', async () => {
    await helper.load([gatewayMqtt], [{ id: 'mqtt', type: 'ws-gateway-mqtt', broker: 'http://127.0.0.1:1', clientId: 'x', prefix: PREFIX }] as FlowNode[]);
    const node = helper.getNode('mqtt') as unknown as MqttConfigNode;
    assert.equal(node.bridge, undefined);
  });
});
