import type { EndpointOptions } from '../../../../lib/server';
import { TestClient } from '../../../support/ws-client';
import { startEndpoint, type Fixture } from '../../server/endpoint-fixture';
import { PlantSource } from './plant-source';
import { createWinccoaDialect } from '../../../../lib/dialects/winccoa';

export interface WinccoaFixture extends Fixture {
  plant: PlantSource;
  /** A logged-in client (user `demo`). */
  client(user?: string, password?: string): Promise<TestClient>;
  close(): Promise<void>;
}

export const users = new Map([['demo', 'demo'], ['viewer', 'viewer'], ['op', 'op']]);

/**
 * A winccoa endpoint on an ephemeral port with flow tags ExampleDP_Trend1/2 and ExampleDP_Arg1/2, and the
 * plant source with `Pump.Speed` mapped to `pump_00001.value.speed`.
 */
export async function startWinccoa(dialectOptions: Record<string, unknown> = {}, extra: Partial<EndpointOptions> = {}): Promise<WinccoaFixture> {
  const fixture = await startEndpoint({
    dialect: createWinccoaDialect,
    auth: { kind: 'users', users },
    dialectOptions: {
      winccoaMapping: 'Pump.Speed = pump_00001.value.speed : PumpType\nplant/temp = plant_temp.\nplant/valve = plant_valve.\nplant/setpoint = plant_setpoint. : SetpointType',
      ...dialectOptions,
    },
    ...extra,
  });
  fixture.flowTags.publish('ExampleDP_Trend1', 6, { timestamp: 1000, dpType: 'ExampleDP_Float' });
  fixture.flowTags.publish('ExampleDP_Trend2', 7, { timestamp: 2000, dpType: 'ExampleDP_Float' });
  fixture.flowTags.publish('ExampleDP_Arg1', 1, { dpType: 'ExampleDP_Int' });
  fixture.flowTags.publish('ExampleDP_Arg2', 2, { dpType: 'ExampleDP_Int' });
  const plant = new PlantSource();
  fixture.tags.addSource(plant);
  const clients: TestClient[] = [];
  return {
    ...fixture,
    plant,
    async client(user = 'demo', password = user) {
      const client = await TestClient.open(`${fixture.url}winccoa?username=${encodeURIComponent(user)}&password=${encodeURIComponent(password)}`);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((client) => client.close()));
      await fixture.endpoint.close();
    },
  };
}

/** Sends one command and returns the body of the named result of the next frame. */
export async function ask<T = Record<string, unknown>>(client: TestClient, command: object, result: string): Promise<T> {
  client.send(command);
  const frame = await client.nextJson<Record<string, T>>();
  if (!(result in frame)) throw new Error(`expected ${result}, got ${JSON.stringify(frame)}`);
  return frame[result];
}
