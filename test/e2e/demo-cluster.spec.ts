import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ROOT } from '../support/demo';
import { mosquittoBinary } from '../support/mosquitto';
import { freePort } from '../support/ports';
import { deadline, pollUntil } from '../support/wait';
import { TestClient } from '../support/ws-client';

type WinccoaAnswer = Record<string, { Values?: Record<string, unknown>; Error?: number; Id?: number }>;

/**
 * `npm run demo:cluster` as a user runs it (on free ports): instance B has no sources of its own, yet a
 * WinCC OA client on B sees the OPC UA demo's Sine change, and its DpSet of Setpoint reaches the OPC UA
 * server through instance A, where an ASNeG 8081 client reads it.
 */
describe('npm run demo:cluster: two instances sharing one tag space through Mosquitto', { timeout: 180_000 }, () => {
  let cluster: ChildProcess;
  let log = '';
  let dir: string;
  let portB: number;
  let asnegPort: number;

  before(async () => {
    mosquittoBinary();
    dir = mkdtempSync(join(tmpdir(), 'ws-gateway-cluster-'));
    const portA = await freePort();
    portB = await freePort();
    asnegPort = await freePort();
    const env = {
      ...process.env, PORT_A: String(portA), PORT_B: String(portB), DEMO_MQTT_PORT: String(await freePort()), DEMO_CLUSTER_DIR: dir,
      DEMO_OPCUA_PORT: String(await freePort()), DEMO_MODBUS_PORT: String(await freePort()), DEMO_ASNEG_PORT: String(asnegPort),
      DEMO_GATEWAY_PORT: String(await freePort()), DEMO_SKIP_BUILD: '1', DEMO_LOG_LEVEL: 'warn',
    };
    cluster = spawn(process.execPath, [join(ROOT, 'scripts', 'demo-cluster.mjs')], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
    cluster.stdout?.on('data', (chunk: Buffer) => { log += chunk.toString(); });
    cluster.stderr?.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  });

  after(async () => {
    if (cluster.pid !== undefined && cluster.exitCode === null) {
      const exited = new Promise((done) => cluster.once('exit', done));
      process.kill(-cluster.pid, 'SIGINT');
      await Promise.race([exited, deadline(20_000)]);
    }
    rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a WinCC OA client on B once B serves it and has imported Sine from A. */
  async function winccoaOnB(): Promise<TestClient> {
    let ready: TestClient | undefined;
    // B listening, and Sine imported from A over MQTT, show only to a client that asks.
    const asked = async (): Promise<boolean> => {
      const client = await TestClient.open(`ws://127.0.0.1:${portB}/winccoa?username=demo&password=demo`);
      client.send({ DpGet: { Id: 0, Dps: ['Sine.'] } });
      const answer = await client.nextJson<WinccoaAnswer>(5000);
      if (answer.DpGetResult?.Error === 0) ready = client;
      else await client.close();
      return ready !== undefined;
    };
    await pollUntil(asked, 'the cluster did not come up (B with Sine. imported from A)', {
      timeoutMs: 120_000, intervalMs: 500, abort: () => (cluster.exitCode !== null ? 'it exited' : undefined), context: () => log,
    });
    return ready as TestClient;
  }

  it('a WinCC OA client on B sees Sine. change, and its DpSet of Setpoint. is read by an ASNeG client on A', async () => {
    const client = await winccoaOnB();
    client.send({ DpConnect: { Id: 1, Dps: ['Sine.'], Answer: true } });
    const seen = new Set<unknown>();
    while (seen.size < 3) {
      const hotlink = await client.nextJson<WinccoaAnswer>(10_000);
      const value = hotlink.DpConnectResult?.Values?.['System1:Sine.:_online.._value'];
      if (typeof value === 'number') seen.add(value);
    }
    client.send({ DpDisconnect: { Id: 2, Dps: ['Sine.'] } });
    client.send({ DpSet: { Id: 3, Wait: true, Values: [{ Dp: 'Setpoint.', Value: 42.5 }] } });
    let result: WinccoaAnswer;
    do result = await client.nextJson<WinccoaAnswer>(10_000); while (!result.DpSetResult);
    assert.deepEqual(result.DpSetResult, { Error: 0, Id: 3 });
    await client.close();

    const asneg = await TestClient.open(`ws://127.0.0.1:${asnegPort}`);
    asneg.send({ Header: { MessageType: 'READ_REQUEST', ClientHandle: 'r1' }, Body: { Variable: 'Setpoint' } });
    const read = await asneg.nextJson<{ Body?: { Value?: unknown } }>(10_000);
    await asneg.close();
    assert.deepEqual(read.Body?.Value, { Type: '11', Body: '42.5' });
  });
});
