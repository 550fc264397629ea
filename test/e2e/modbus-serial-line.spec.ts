import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ModbusGateway } from '../../lib/modbus';
import { NeuronSimulator } from '../../demo/modbus/neuron-simulator';
import { productUnits } from '../support/modbus';
import { startRtuBridge } from '../support/rtu-over-tcp-bridge';
import { startVirtualSerialLine } from '../support/virtual-serial';
import { waitFor } from '../support/wait';

/**
 * Modbus RTU over a real tty. In the e2e tier because the pseudo-terminal comes from Debian's socat, a
 * program outside node_modules (scripts/run-tests.mjs checks for it before the tier runs); the unit tier
 * needs nothing but Node.
 */
describe('modbus gateway over a serial line', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => { for (const stop of stops.splice(0).reverse()) await stop(); });

  it('speaks RTU over a serial line (a pseudo-terminal joined to the RTU bridge)', async () => {
    const sim = new NeuronSimulator({ port: 0 });
    const port = await sim.start();
    const bridge = await startRtuBridge(port);
    const line = await startVirtualSerialLine(bridge.port);
    const gateway = new ModbusGateway({
      line: { transport: { kind: 'rtu', path: line.path, baudRate: 115200, parity: 'none', dataBits: 8, stopBits: 1 }, timeoutMs: 500 },
      units: productUnits(),
      pollIntervalMs: 20,
    });
    stops.push(async () => { await gateway.close(); await line.close(); await bridge.close(); await sim.stop(); });
    gateway.start();
    await waitFor(() => gateway.unitIds.every((unit) => gateway.cyclesOf(unit) > 0), 'polling over the serial line', 5000);
    const relay = gateway.circuits(3).find((c) => c.kind === 'ro' && c.id === '3_02')!;
    await gateway.writePoint(relay, 'value', 1);
    assert.deepEqual(sim.writes, [{ unit: 3, fc: 5, address: 1, value: 1 }]);
    await waitFor(() => gateway.value(relay) === 1, 'read back over the serial line');
    assert.ok(bridge.frames > 5, 'RTU frames with valid CRCs crossed the line');
  });
});
