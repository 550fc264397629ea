import { ModbusGateway, isProduct, loadShippedProfile, type GatewayOptions, type UnitConfig } from '../../lib/modbus';
import { NeuronSimulator } from '../../demo/modbus/neuron-simulator';
import { waitFor } from './wait';

/** The units of a shipped product profile, as a ws-gateway-modbus node configures them. */
export function productUnits(name = 'neuron-l533'): UnitConfig[] {
  const product = loadShippedProfile(name);
  if (!isProduct(product)) throw new Error(`${name} is no product`);
  return product.units.map(({ unit, profile }) => {
    const board = loadShippedProfile(profile);
    if (isProduct(board)) throw new Error(`${profile} is no board`);
    return { unit, profile: board };
  });
}

/** A real simulator on an ephemeral port and a gateway polling it; `stop()` releases both. */
export async function startNeuron(options: Partial<GatewayOptions> = {}): Promise<{ sim: NeuronSimulator; gateway: ModbusGateway; stop(): Promise<void> }> {
  const sim = new NeuronSimulator({ port: 0 });
  const port = await sim.start();
  const gateway = new ModbusGateway({
    line: { transport: { kind: 'tcp', host: '127.0.0.1', port }, timeoutMs: 300, reconnectMinMs: 50, reconnectMaxMs: 200 },
    units: productUnits(),
    pollIntervalMs: 20,
    backoffMaxMs: 200,
    ...options,
  });
  gateway.start();
  await waitFor(() => gateway.unitIds.every((unit) => gateway.cyclesOf(unit) > 0), 'the first poll cycle of every unit');
  return { sim, gateway, async stop() { await gateway.close(); await sim.stop(); } };
}
