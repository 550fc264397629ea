import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT, runPython, startDemo, type RunningDemo } from '../support/demo';
import { freePort } from '../support/ports';
import { TestClient } from '../support/ws-client';

/**
 * The seeds' Python examples of the ASNeG server (000), gateway (001) and WinCC OA (003), run unchanged but for their
 * URLs (test/seeds/*.py say what else differs) against `npm start` on free ports.
 */
describe('the OPC UA server, OPC UA gateway and WinCC OA seed examples against npm start', () => {
  let demo: RunningDemo;
  let gatewayPort: number;
  let serverPort: number;
  let opcuaPort: number;

  before(async () => {
    gatewayPort = await freePort();
    serverPort = await freePort();
    opcuaPort = await freePort();
    const modbusPort = await freePort();
    demo = await startDemo({
      // The example flows follow these ports as they follow `npm start`'s (scripts/demo-ports.mjs).
      env: { DEMO_OPCUA_PORT: String(opcuaPort), DEMO_MODBUS_PORT: String(modbusPort), DEMO_ASNEG_PORT: String(serverPort), DEMO_GATEWAY_PORT: String(gatewayPort) },
      ready: async (httpPort) => {
        const client = await TestClient.open(`ws://127.0.0.1:${httpPort}/winccoa?username=demo&password=demo`);
        await client.close();
        const gateway = await TestClient.open(`ws://127.0.0.1:${gatewayPort}`);
        await gateway.close();
        // The 8081 API answers once its ws-gateway-opcua node is connected to the demo server.
        const server = await TestClient.open(`ws://127.0.0.1:${serverPort}`);
        server.send({ Header: { MessageType: 'READ_REQUEST', ClientHandle: 'probe' }, Body: { Variables: ['Double'] } });
        const answer = await server.nextJson<{ Body?: { Variables?: Array<{ StatusCode?: string }> } }>();
        await server.close();
        return answer.Body?.Variables?.[0]?.StatusCode === undefined;
      },
    });
  });

  after(async () => { await demo?.stop(); });

  it('000: lists the variables of the 8081 API (VALUELIST_REQUEST)', async () => {
    const lines = await runPython(join(ROOT, 'test', 'seeds', 'opcua_server_seed.py'), [`ws://127.0.0.1:${serverPort}`], 20_000);
    assert.equal(lines.length, 1, lines.join('\n'));
    const answer = JSON.parse(lines[0]) as { Header: unknown; Body: { Variables: string[] } };
    assert.deepEqual(answer.Header, { MessageType: 'VALUELIST_RESPONSE', ClientHandle: '1' });
    assert.ok(answer.Body.Variables.includes('Setpoint') && answer.Body.Variables.includes('Sine'), lines[0]);
  });

  it('001: logs in with SignAndEncrypt / Basic128Rsa15 / user1, hears Connect, logs out', async () => {
    const lines = await runPython(join(ROOT, 'test', 'seeds', 'opcua_gateway_seed.py'), [`ws://127.0.0.1:${gatewayPort}`, `opc.tcp://127.0.0.1:${opcuaPort}`], 30_000);
    assert.deepEqual(lines.map((line) => JSON.parse(line) as unknown), [
      { Header: { MessageType: 'GW_LoginResponse', ClientHandle: 'client-handle', SessionId: '', StatusCode: '0' }, Body: { SessionId: '1' } },
      { Header: { MessageType: 'GW_SessionStatusNotify', ClientHandle: 'client-handle', SessionId: '1' }, Body: { SessionStatus: 'Connect' } },
      { Header: { MessageType: 'GW_LogoutResponse', ClientHandle: 'client-handle', SessionId: '1', StatusCode: '0' }, Body: '' },
    ], demo.log());
  });

  it('003: prints values for DpGetPeriod, DpGet, DpSet and a stream of DpConnect results, with no exception', async () => {
    const lines = await runPython(join(ROOT, 'test', 'seeds', 'winccoa_seed.py'), [`ws://127.0.0.1:${demo.httpPort}/winccoa`], 7000);
    const output = lines.join('\n');
    assert.doesNotMatch(output, /Traceback|Error:|Exception/, output);
    const period = JSON.parse(lines[0]) as number[];
    assert.ok(Array.isArray(period) && period.length > 100 && period.every((value) => typeof value === 'number'), lines[0]);
    assert.match(output, /"DpGetResult": \{\s+"Error": 0,\s+"Values": \{\s+"System1:ExampleDP_Trend1\.:_original\.\._value": -?\d/);
    assert.match(output, /"DpSetResult": \{\s+"Error": 0\s+\}/);
    const hotlinks = lines.filter((line) => line.startsWith("{'DpConnectResult': {'Values': {'System1:ExampleDP_Trend1.:_online.._value': "));
    assert.ok(hotlinks.length >= 3, output);
  });

  it('serves the Modbus simulator\'s circuits and the OPC UA demo server\'s variables as datapoints beside the seed\'s', async () => {
    const client = await TestClient.open(`ws://127.0.0.1:${demo.httpPort}/winccoa?username=demo&password=demo`);
    let values: Record<string, unknown> = {};
    const ready = (): boolean => typeof values['System1:Neuron_AI_1_01.:_original.._value'] === 'number' && typeof values['System1:Sine.:_original.._value'] === 'number';
    for (let attempt = 0; attempt < 40 && !ready(); attempt++) {
      client.send({ DpGet: { Dps: ['Neuron_AI_1_01.', 'Neuron_RO_2_01.', 'ExampleDP_Arg1.', 'Sine.'] } });
      values = (await client.nextJson<{ DpGetResult: { Values: Record<string, unknown> } }>()).DpGetResult.Values;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    await client.close();
    assert.equal(typeof values['System1:Neuron_AI_1_01.:_original.._value'], 'number', JSON.stringify(values));
    assert.equal(typeof values['System1:Neuron_RO_2_01.:_original.._value'], 'boolean', JSON.stringify(values));
    assert.equal(typeof values['System1:Sine.:_original.._value'], 'number', JSON.stringify(values));
  });
});
