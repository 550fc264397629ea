import { Peer } from './peer';
import type { SystemUnderTest } from './system-under-test';
import { opcuaServer, winccoa } from './targets';
import { messageOf } from '../../lib/util/errors';

export interface FaultRow {
  scenario: string;
  figures: string;
  pass: boolean;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function restRelay(system: SystemUnderTest, circuit: string): Promise<number | undefined> {
  try {
    const response = await fetch(`http://127.0.0.1:${system.ports.http}/rest/relay/${circuit}`, { signal: AbortSignal.timeout(5_000) });
    if (response.status !== 200) return undefined;
    return (await response.json() as { value?: number }).value;
  } catch {
    return undefined;
  }
}

async function restSet(system: SystemUnderTest, circuit: string, value: number, timeoutMs = 30_000): Promise<{ ok: boolean; text: string }> {
  try {
    const response = await fetch(`http://127.0.0.1:${system.ports.http}/rest/relay/${circuit}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: `value=${value}`,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { ok: response.status === 200, text: `HTTP ${response.status} ${(await response.text()).slice(0, 160)}` };
  } catch (error) {
    return { ok: false, text: messageOf(error) };
  }
}

/** A failure report that says the write may still have happened is not a report that it failed. */
const UNCERTAIN = /unknown|uncertain|may have|might have|not known/i;

/**
 * Frozen Modbus device: writes sent while the device hangs must either succeed or be reported failed,
 * and a write reported failed must not happen after the device recovers.
 */
export async function frozenModbus(system: SystemUnderTest, log: (line: string) => void): Promise<FaultRow> {
  // relay 2_01 is a relay output of unit 2, relay 1_01 a digital output of unit 1 (Neuron_DO_1_01. in WinCC OA).
  const circuits = ['2_01', '1_01'];
  for (const circuit of circuits) await restSet(system, circuit, 0);
  const wincc = await Peer.open(winccoa.url(system.ports));
  log('  freezing the Modbus device (SIGSTOP) ...');
  system.modbus.freeze();
  const frozenAt = Date.now();
  // Two writers while frozen: EVOK REST and WinCC OA DpSet with Wait.
  const rest = restSet(system, '2_01', 1);
  const dpSetAnswer = wincc.waitFor((text) => text.includes('DpSetResult'), 30_000).catch((error: Error) => `no answer: ${error.message}`);
  wincc.sendJson({ DpSet: { Id: 7, Wait: true, Values: [{ Dp: 'Neuron_DO_1_01.', Value: true }] } });
  const [restResult, dpSetText] = await Promise.all([rest, dpSetAnswer]);
  const frozenFor = Date.now() - frozenAt;
  log(`  thawing after ${frozenFor} ms; REST: ${restResult.text}; DpSet: ${dpSetText}`);
  system.modbus.thaw();
  await wincc.close();
  const dpSetError = /"Error":\s*(-?\d+)/.exec(dpSetText)?.[1];
  const reports = [
    { circuit: '2_01', failed: !restResult.ok && !UNCERTAIN.test(restResult.text), ok: restResult.ok, text: restResult.text },
    { circuit: '1_01', failed: dpSetError !== undefined && dpSetError !== '0' && !UNCERTAIN.test(dpSetText), ok: dpSetError === '0', text: dpSetText },
  ];
  // Let the line recover, then read the device's state through the gateway's polling.
  const recoverBy = Date.now() + 30_000;
  while (Date.now() < recoverBy && (await restRelay(system, '2_01')) === undefined) await sleep(250);
  await sleep(5_000);
  let executedLater = 0;
  let lostOk = 0;
  const states: string[] = [];
  for (const report of reports) {
    const value = await restRelay(system, report.circuit);
    states.push(`${report.circuit}=${value ?? '?'}`);
    if (report.failed && value === 1) executedLater += 1;
    if (report.ok && value !== 1) lostOk += 1;
  }
  const failedReports = reports.filter((r) => r.failed).length;
  for (const circuit of circuits) await restSet(system, circuit, 0);
  return {
    scenario: 'Modbus device frozen during 2 writes (EVOK REST, WinCC OA DpSet Wait)',
    figures: `reported failed ${failedReports}/2, reported ok ${reports.filter((r) => r.ok).length}/2, executed after a failure report ${executedLater}, ok but not done ${lostOk}; after thaw ${states.join(' ')}`,
    pass: executedLater === 0 && lostOk === 0 && system.alive,
  };
}

/**
 * The OPC UA server is killed (SIGKILL) while a client of the 8081 dialect monitors Sine and a WinCC OA
 * client has a DpConnect on it; after it is started again both must get changing values again.
 */
export async function restartedOpcua(system: SystemUnderTest, log: (line: string) => void): Promise<FaultRow> {
  const asneg = await Peer.open(opcuaServer.url(system.ports));
  const wincc = await Peer.open(winccoa.url(system.ports));
  const asnegValues: Array<{ at: number; value: string }> = [];
  const winccValues: Array<{ at: number; value: string }> = [];
  asneg.ws.on('message', (data: Buffer) => {
    const text = data.toString();
    const match = /"MONITORUPDATE_MESSAGE".*"Body":\{"Value":\{"Type":"\d+","Body":"?([^",}]+)/.exec(text);
    if (match) asnegValues.push({ at: Date.now(), value: match[1] });
  });
  wincc.ws.on('message', (data: Buffer) => {
    const match = /"System1:Sine\.:_online\.\._value":\s*(-?[\d.e+-]+)/.exec(data.toString());
    if (match) winccValues.push({ at: Date.now(), value: match[1] });
  });
  asneg.sendJson({ Header: { MessageType: 'MONITORSTART_REQUEST', ClientHandle: 'sine' }, Body: { Variable: 'Sine' } });
  wincc.sendJson({ DpConnect: { Id: 1, Dps: ['Sine.'], Answer: true } });
  const changingSince = async (values: Array<{ at: number; value: string }>, since: number, timeoutMs: number): Promise<number | undefined> => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const fresh = values.filter((v) => v.at >= since);
      if (new Set(fresh.map((v) => v.value)).size >= 2) return fresh[1].at - since;
      await sleep(100);
    }
    return undefined;
  };
  const before = await Promise.all([changingSince(asnegValues, Date.now(), 15_000), changingSince(winccValues, Date.now(), 15_000)]);
  log(`  subscribed (8081 ${before[0] !== undefined ? 'updating' : 'silent'}, WinCC OA ${before[1] !== undefined ? 'updating' : 'silent'}); killing the OPC UA server ...`);
  await system.opcua.kill();
  await sleep(3_000);
  await system.opcua.start();
  const restarted = Date.now();
  log('  OPC UA server started again; waiting for the subscriptions ...');
  const [asnegBack, winccBack] = await Promise.all([changingSince(asnegValues, restarted, 60_000), changingSince(winccValues, restarted, 60_000)]);
  await asneg.close();
  await wincc.close();
  const show = (ms: number | undefined): string => (ms === undefined ? 'not within 60 s' : `${(ms / 1000).toFixed(1)} s`);
  return {
    scenario: 'OPC UA server killed (SIGKILL) and restarted 3 s later',
    figures: `8081 MONITORSTART Sine back after ${show(asnegBack)}; WinCC OA DpConnect Sine. back after ${show(winccBack)}`,
    pass: before.every((ms) => ms !== undefined) && asnegBack !== undefined && winccBack !== undefined && system.alive,
  };
}
