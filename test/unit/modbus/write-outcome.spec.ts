import assert from 'node:assert/strict';
import { once } from 'node:events';
import { afterEach, describe, it } from 'node:test';
import ModbusRTU from 'modbus-serial';
import { ModbusError, ModbusGateway, type LineStatus, type WriteRequest } from '../../../lib/modbus';
import type { SimulatedWrite } from '../../../demo/modbus/neuron-simulator';
import { productUnits } from '../../support/modbus';
import { start, type ModbusProcess } from '../../support/modbus-process';
import { startRtuBridge } from '../../support/rtu-over-tcp-bridge';
import { waitFor } from '../../support/wait';

/** A write as the test issued it and what it was told. */
interface Issued {
  request: Extract<WriteRequest, { fc: 6 }>;
  outcome: 'ok' | 'failed' | 'unknown' | 'untyped';
}

async function issue(gateway: ModbusGateway, requests: Array<Extract<WriteRequest, { fc: 6 }>>): Promise<Issued[]> {
  const settled = await Promise.allSettled(requests.map((request) => gateway.send(1, request, false)));
  return settled.map((result, index) => ({
    request: requests[index],
    outcome: result.status === 'fulfilled' ? 'ok' : result.reason instanceof ModbusError ? result.reason.outcome : 'untyped',
  }));
}

/** How often the simulator executed this very write. */
function executions(writes: readonly SimulatedWrite[], request: Extract<WriteRequest, { fc: 6 }>): number {
  return writes.filter((write) => write.unit === 1 && write.fc === 6 && write.address === request.address && write.value === request.value).length;
}

/**
 * A round trip on a connection of its own, made after the thaw: the simulator answers it only after it
 * has worked through what reached it while frozen (it reads its connections in the order it accepted them).
 */
async function freshRead(port: number): Promise<number[]> {
  const client = new ModbusRTU();
  await client.connectTCP('127.0.0.1', { port });
  client.setID(1);
  client.setTimeout(3000);
  try {
    return (await client.readHoldingRegisters(1010, 4)).data;
  } finally {
    await new Promise<void>((resolve) => client.close(() => resolve()));
  }
}

describe('Modbus writes have one outcome, and the client hears the true one', { timeout: 60_000 }, () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => { for (const stop of stops.splice(0).reverse()) await stop(); });

  /** The simulator in its own process and a gateway polling it, straight or through an RTU-over-TCP device server. */
  async function frozenLine(kind: 'tcp' | 'rtu-tcp' = 'tcp'): Promise<{ sim: ModbusProcess; gateway: ModbusGateway }> {
    const sim = await start();
    const bridge = kind === 'rtu-tcp' ? await startRtuBridge(sim.port) : undefined;
    const gateway = new ModbusGateway({
      line: { transport: { kind, host: '127.0.0.1', port: bridge?.port ?? sim.port }, timeoutMs: 300, reconnectMinMs: 50, reconnectMaxMs: 200 },
      units: productUnits(),
      pollIntervalMs: 20,
      backoffMaxMs: 200,
    });
    stops.push(async () => { await gateway.close(); await bridge?.close(); await sim.stop(); });
    gateway.start();
    await waitFor(() => gateway.unitIds.every((unit) => gateway.cyclesOf(unit) > 0), 'the first poll cycle of every unit');
    return { sim, gateway };
  }

  for (const kind of ['tcp', 'rtu-tcp'] as const) it(`regression (${kind}): a hung device executes no write its client was told failed, and none twice`, async () => {
    const { sim, gateway } = await frozenLine(kind);
    const resetsBefore = gateway.line.resetCount;
    sim.freeze();
    // While a poll hangs on the frozen device: these queue behind it and the line is reset under them.
    const first = await issue(gateway, [0, 1, 2, 3].map((i) => ({ fc: 6, address: 1010 + i, value: 100 + i })));
    // On the fresh connection (the frozen kernel still accepts it): the first is sent, the second waits.
    const connected = new Promise<Issued[]>((resolve) => {
      const onStatus = (status: LineStatus): void => {
        if (status.state !== 'connected') return;
        gateway.off('status', onStatus);
        resolve(issue(gateway, [0, 1].map((i) => ({ fc: 6, address: 1010 + i, value: 200 + i }))));
      };
      gateway.on('status', onStatus);
    });
    const second = await connected;
    const issued = [...first, ...second];
    assert.ok(issued.every((write) => write.outcome === 'failed' || write.outcome === 'unknown'), `every write failed with a typed outcome: ${JSON.stringify(issued)}`);
    assert.equal(second[0].outcome, 'unknown', 'the write on the wire when the device stopped answering: outcome unknown');
    assert.equal(second[1].outcome, 'failed', 'the write queued behind it was never sent');
    assert.ok(gateway.line.resetCount > resetsBefore, 'an unanswered request reset the connection');

    sim.thaw();
    const cycles = gateway.cyclesOf(1);
    await waitFor(() => gateway.line.status.state === 'connected' && gateway.cyclesOf(1) > cycles + 1, 'polling again after the thaw', 15_000);
    await freshRead(sim.port);
    const registers = await freshRead(sim.port);

    for (const write of issued) {
      const count = executions(sim.writes, write.request);
      assert.ok(count <= 1, `${JSON.stringify(write.request)} executed ${count} times`);
      if (write.outcome === 'failed') assert.equal(count, 0, `${JSON.stringify(write.request)} was reported failed but executed`);
    }
    for (const write of sim.writes) {
      const mine = issued.find((i) => i.request.address === write.address && i.request.value === write.value);
      assert.equal(mine?.outcome, 'unknown', `only writes reported "outcome unknown" may have run: ${JSON.stringify(write)}`);
    }
    // The registers hold the initial debounce (50) or a write whose client heard "outcome unknown".
    registers.forEach((value, offset) => {
      const candidates = [50, ...issued.filter((i) => i.outcome === 'unknown' && i.request.address === 1010 + offset).map((i) => i.request.value)];
      assert.ok(candidates.includes(value), `register ${1010 + offset} = ${value}`);
    });
    await gateway.send(1, { fc: 6, address: 1013, value: 77 });
    assert.equal(executions(sim.writes, { fc: 6, address: 1013, value: 77 }), 1, 'the line works again after the thaw');
  });

  it('after the thaw, answers to requests sent while frozen go nowhere: the next read gets its own registers', async () => {
    const { sim, gateway } = await frozenLine();
    sim.freeze();
    const [write] = await issue(gateway, [{ fc: 6, address: 1012, value: 300 }]);
    assert.ok(write.outcome === 'failed' || write.outcome === 'unknown', write.outcome);
    // Thawed, the device answers what reached it on the old connections: those answers go nowhere.
    sim.thaw();
    await once(gateway, 'cycle');
    await waitFor(() => gateway.line.status.state === 'connected', 'connected after the thaw', 15_000);
    const values = await gateway.readNow(1, 'holding', 1010, 4);
    assert.equal(values.length, 4);
    assert.equal(values[0], 50, 'the read was answered with its own registers, not a late answer to an older request');
  });
});
