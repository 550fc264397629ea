import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import ModbusRTU from 'modbus-serial';
import express = require('express');
import gatewayModbus = require('../../nodes/ws-gateway-modbus/ws-gateway-modbus');
import type { ModbusGateway, ReadRequest, WriteRequest } from '../../lib/modbus';
import { runtimeTags } from '../../nodes/shared/runtime-tags';
import { modbusNode } from '../fixtures/flows/evok-flows';
import { outNode, serverNode } from '../fixtures/flows/raw-flows';
import { gatewayNodes, helper, wsUrl } from '../support/node-red';
import { start, type ModbusProcess } from '../support/modbus-process';
import { waitFor } from '../support/wait';
import { TestClient } from '../support/ws-client';

type Middleware = (request: unknown, response: unknown, next: () => void) => void;
interface CapturedRed { httpNode: Middleware }

/** The RED API of the current load: the EVOK REST routes are on its httpNode. */
let red: CapturedRed | undefined;
const captureRed = (api: CapturedRed): void => { red = api; };

interface ErrorSpy { getCalls(): Array<{ args: [Error | string] }> }

/** What each path told its client, as the outcome the test compares with what the device did. */
type Told = 'ok' | 'failed' | 'unknown' | 'unclear';

/** Coil `coil` of unit 1 (DO 1_0<coil+1>) switched on, as the simulator executes it. */
function executed(sim: ModbusProcess, coil: number): number {
  return sim.writes.filter((write) => write.unit === 1 && write.fc === 5 && write.address === coil && write.value === 1).length;
}

/** A round trip on a new connection after the thaw: answered only once the device has worked off what reached it while frozen. */
async function freshRead(port: number): Promise<void> {
  const client = new ModbusRTU();
  await client.connectTCP('127.0.0.1', { port });
  client.setID(1);
  client.setTimeout(3000);
  try {
    await client.readHoldingRegisters(0, 1);
  } finally {
    await new Promise<void>((resolve) => client.close(() => resolve()));
  }
}

/**
 * A write has one outcome and the client hears the true one, whichever protocol it came in by: EVOK REST,
 * EVOK WebSocket, WinCC OA DpSet and a flow publishing to a Modbus tag, with the Modbus device hung
 * (its process stopped with SIGSTOP) and then resumed.
 */
describe('write outcomes through every dialect while the Modbus device hangs', { timeout: 60_000 }, () => {
  let sim: ModbusProcess;
  const clients: TestClient[] = [];
  before(async () => {
    sim = await start();
    await helper.startServer();
    const app = (helper as unknown as { _app: { use(handler: Middleware): void } })._app;
    app.use(express.urlencoded({ extended: true }) as unknown as Middleware);
    app.use((request, response, next) => (red ? red.httpNode(request, response, next) : next()));
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.close()));
    await helper.unload();
  });
  after(async () => {
    await helper.stopServer();
    await sim.stop();
  });

  it('regression: writes answered "failed" never run after the device resumes; "outcome unknown" runs at most once', async () => {
    await helper.load([...gatewayNodes, gatewayModbus, captureRed as unknown as typeof gatewayModbus], [
      { id: 'flow', type: 'tab' },
      // Polls only once a minute after the first cycle: the first write goes on an idle line.
      modbusNode(sim.port, { timeoutMs: 300, pollIntervalMs: 60_000, backoffMaxSeconds: 1 }),
      serverNode({ id: 'evokServer', path: '/ws', dialect: 'evok', modbus: 'mb', evokShapes: 'seed', evokErrors: true, registerEvents: false }),
      serverNode({
        id: 'wccServer', path: '/wcc', dialect: 'winccoa', auth: 'none', winccoaSystem: 'System1', winccoaTimeZone: 'utc',
        winccoaMapping: 'neuron/do/1_03 = Neuron_DO_1_03. : NeuronOutput', winccoaWriteAccess: '', winccoaGreeting: false, winccoaLegacySetReply: false, winccoaSwapTs: false,
      }),
      outNode('pub', { server: '', action: 'publish', topic: 'neuron/do/1_04' }),
    ]);
    const evok = await TestClient.open(wsUrl('/ws'));
    const wcc = await TestClient.open(wsUrl('/wcc'));
    clients.push(evok, wcc);
    const gateway = (helper.getNode('mb') as unknown as { gateway: ModbusGateway }).gateway;
    await waitFor(() => runtimeTags({}).space.has('neuron/do/1_04') && gateway.cyclesOf(1) > 0, 'the first poll');
    const sent: Array<ReadRequest | WriteRequest> = [];
    gateway.line.on('request', (_unit, request) => sent.push(request));
    // After its first cycle each unit's poller sleeps for a minute: the line goes idle.
    await waitFor(() => gateway.unitIds.every((unit) => gateway.cyclesOf(unit) > 0) && gateway.line.idle, 'an idle line');

    sim.freeze();
    // EVOK REST first: on the idle line it is sent at once and hangs there.
    const rest = fetch(`${helper.url()}/rest/relay/1_01`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'value=1' });
    await waitFor(() => sent.some((request) => request.fc === 5 && request.address === 0), 'the REST write on the wire');
    // The others queue behind it.
    evok.send({ cmd: 'set', dev: 'relay', circuit: '1_02', value: 1 });
    wcc.send({ DpSet: { Id: 1, Wait: true, Values: [{ Dp: 'Neuron_DO_1_03.', Value: true }] } });
    helper.getNode('pub').receive({ payload: true } as never);

    const restAnswer = await rest;
    const restBody = (await restAnswer.json()) as { success: boolean; errors?: Record<string, string> };
    const restTold: Told = restBody.success ? 'ok' : restBody.errors?.WriteOutcomeUnknown ? 'unknown' : restBody.errors?.WriteFailed ? 'failed' : 'unclear';
    let wsFrame: { error?: string } = {};
    while (wsFrame.error === undefined) wsFrame = await evok.nextJson<{ error?: string }>(5000);
    const wsTold: Told = /outcome unknown/.test(wsFrame.error) ? 'unknown' : /failed, not executed/.test(wsFrame.error) ? 'failed' : 'unclear';
    const dpSet = await wcc.nextJson<{ DpSetResult: { Error: number; ErrorText?: string } }>(5000);
    const wccTold: Told = dpSet.DpSetResult.Error === -7 ? 'unknown' : dpSet.DpSetResult.Error === -6 ? 'failed' : 'unclear';
    const errorSpy = helper.getNode('pub').error as unknown as ErrorSpy;
    await waitFor(() => errorSpy.getCalls().length > 0, 'the publish error');
    const publishText = String(errorSpy.getCalls()[0].args[0]);
    const publishTold: Told = /publish-unknown/.test(publishText) ? 'unknown' : /publish-failed/.test(publishText) ? 'failed' : 'unclear';

    assert.equal(restTold, 'unknown', `REST: the write on the wire is "outcome unknown": ${JSON.stringify(restBody)}`);
    assert.match(Object.values(restBody.errors ?? {})[0] ?? '', /outcome unknown/);
    assert.equal(wsTold, 'failed', `EVOK WS: queued behind it, never sent: ${wsFrame.error}`);
    assert.equal(wccTold, 'failed', `DpSet: queued behind it, never sent: ${JSON.stringify(dpSet)}`);
    assert.match(dpSet.DpSetResult.ErrorText ?? '', /not executed/);
    assert.equal(publishTold, 'failed', `publish: queued behind it, never sent: ${publishText}`);

    sim.thaw();
    const cycles = gateway.cyclesOf(1);
    gateway.kick(1);
    await waitFor(() => gateway.line.status.state === 'connected' && gateway.cyclesOf(1) > cycles, 'polling again after the thaw', 15_000);
    await freshRead(sim.port);
    await freshRead(sim.port);
    assert.ok(executed(sim, 0) <= 1, 'the unknown write ran at most once');
    assert.equal(executed(sim, 1), 0, 'EVOK WS: reported failed, not executed');
    assert.equal(executed(sim, 2), 0, 'DpSet: reported -6, not executed');
    assert.equal(executed(sim, 3), 0, 'publish: reported failed, not executed');
  });
});
