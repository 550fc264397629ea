import http = require('node:http');
import type { AddressInfo } from 'node:net';
import type { HttpHandler } from '../../../lib/dialects/evok';
import { GatewayEndpoint, type AuthPolicy, type EndpointLimits, type HookDelivery } from '../../../lib/server';
import { TagSpace } from '../../../lib/tags';
import type { NeuronSimulator } from '../../../demo/modbus/neuron-simulator';
import type { ModbusGateway } from '../../../lib/modbus';
import { startNeuron } from '../../support/modbus';
import { waitFor } from '../../support/wait';
import { TestClient } from '../../support/ws-client';
import { createEvokDialect } from '../../../lib/dialects/evok';

export interface EvokFixture {
  sim: NeuronSimulator;
  gateway: ModbusGateway;
  endpoint: GatewayEndpoint;
  base: string;
  url: string;
  deliveries: HookDelivery[];
  handlers: HttpHandler[];
  /**
   * Resolves once the endpoint has handled `count` requests of `type` (e.g. 'filter', which EVOK does not
   * answer): the flow hook sees a request just before the dialect handles it, in the same turn.
   */
  handled(type: string, count: number): Promise<void>;
  open(): Promise<TestClient>;
  stop(): Promise<void>;
}

/**
 * A real HTTP server on an ephemeral port with an evok endpoint on /ws, its REST routes mounted the way
 * Node-RED's httpNode mounts them, and a Neuron simulator polled by a real Modbus gateway.
 */
export async function startEvok(dialectOptions: Record<string, unknown> = {}, auth?: AuthPolicy, limits?: Partial<EndpointLimits>): Promise<EvokFixture> {
  const neuron = await startNeuron();
  const handlers: HttpHandler[] = [];
  const server = http.createServer((request, response) => {
    const chain = [...handlers];
    const next = (): void => {
      const handler = chain.shift();
      if (handler) handler(request, response, next);
      else { response.writeHead(404); response.end('not found'); }
    };
    next();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const endpoint = new GatewayEndpoint({
    id: 'evok-test',
    listen: { kind: 'path', server, path: '/ws' },
    dialect: createEvokDialect,
    auth,
    limits,
    dialectOptions: { path: '/ws', ...dialectOptions },
    sources: {
      modbus: neuron.gateway,
      evokHttp: {
        mount(handler) {
          handlers.push(handler);
          return () => { handlers.splice(handlers.indexOf(handler), 1); };
        },
      },
    },
  }, new TagSpace());
  const deliveries: HookDelivery[] = [];
  endpoint.hooks.register({ events: ['CONNECT', 'MESSAGE', 'CLOSE', 'ERROR'], mode: 'observe', filter: {}, deliver: (d) => deliveries.push(d) });
  await endpoint.start();
  const clients: TestClient[] = [];
  return {
    sim: neuron.sim,
    gateway: neuron.gateway,
    endpoint,
    base: `http://127.0.0.1:${port}`,
    url: `ws://127.0.0.1:${port}/ws`,
    deliveries,
    handlers,
    handled: (type, count) => waitFor(() => deliveries.filter((d) => d.hook === 'MESSAGE' && d.message?.type === type).length >= count, `${count} ${type} request(s) handled`),
    async open() {
      const client = await TestClient.open(`ws://127.0.0.1:${port}/ws`);
      clients.push(client);
      return client;
    },
    async stop() {
      await Promise.all(clients.map((client) => client.close()));
      await endpoint.close();
      await new Promise<void>((resolve) => { server.close(() => resolve()); server.closeAllConnections(); });
      await neuron.stop();
    },
  };
}

export type DeviceObject = Record<string, unknown> & { dev: string; circuit: string };

/**
 * The next pushed array that holds a device matching `match`, skipping the others (AIs drift, etc.). The
 * wait is generous: a set of two registers plus its read-back cycle took over 3 s on a loaded 2-core machine.
 */
export async function nextDevice(client: TestClient, match: (o: DeviceObject) => boolean, timeoutMs = 15_000): Promise<DeviceObject> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left = deadline - Date.now();
    if (left <= 0) throw new Error('no matching device event');
    const frame = await client.nextJson<DeviceObject[]>(left);
    const found = Array.isArray(frame) ? frame.find(match) : undefined;
    if (found) return found;
  }
}
