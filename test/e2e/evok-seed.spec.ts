import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { runPython, startDemo, type RunningDemo } from '../support/demo';
import { freePort } from '../support/ports';

/**
 * The seed's three client programs (websocket-client's WebSocketApp printing what it receives), written
 * here in the same form with the URL as the only parameter.
 */
function listener(url: string, onOpen: string): string {
  return [
    'import websocket, json',
    'def on_message(ws, message):',
    '    print(f"Received message: {message}", flush=True)',
    'def on_close(ws, status, message):',
    '    print("WebSocket connection closed", flush=True)',
    'def on_open(ws):',
    '    print("WebSocket connection opened", flush=True)',
    ...onOpen.split('\n').map((line) => `    ${line}`),
    `ws = websocket.WebSocketApp(${JSON.stringify(url)}, on_message=on_message, on_close=on_close, on_open=on_open)`,
    'ws.run_forever()',
    '',
  ].join('\n');
}

function arrays(lines: string[]): Array<Array<Record<string, unknown>>> {
  return lines.filter((line) => line.startsWith('Received message: ')).map((line) => JSON.parse(line.slice('Received message: '.length)) as Array<Record<string, unknown>>);
}

describe('the seed examples with Python websocket-client against npm start', () => {
  let demo: RunningDemo;
  let dir: string;
  let httpPort: number;

  before(async () => {
    const modbusPort = await freePort();
    demo = await startDemo({
      env: { DEMO_MODBUS_PORT: String(modbusPort), DEMO_OPCUA: '0' },
      ready: async (port) => {
        const response = await fetch(`http://127.0.0.1:${port}/rest/relay/1_01`);
        return response.status === 200 && ((await response.json()) as { value: unknown }).value !== null;
      },
    });
    ({ dir, httpPort } = demo);
  });

  after(async () => { await demo?.stop(); });

  it('1: without a filter, device arrays arrive (the analog inputs that drift)', async () => {
    const file = join(dir, 'listen.py');
    writeFileSync(file, listener(`ws://127.0.0.1:${httpPort}/ws`, 'pass'));
    const lines = await runPython(file, [], 2500);
    assert.equal(lines[0], 'WebSocket connection opened');
    const received = arrays(lines);
    assert.ok(received.length >= 2, lines.join('\n'));
    for (const array of received) {
      assert.ok(Array.isArray(array) && array.length > 0);
      for (const device of array) {
        assert.equal(device.dev, 'ai');
        assert.match(String(device.circuit), /^[123]_0[1-4]$/);
        assert.ok(['unit', 'glob_dev_id', 'mode', 'modes', 'range'].every((key) => key in device));
      }
    }
    assert.match(lines[1], /^Received message: \[\{"dev": "ai", "circuit": "\d_\d\d", "value": -?\d+\.\d+, "unit": "V", "glob_dev_id": \d, "mode": "Voltage(10)?", "modes": \{/);
  });

  it('2 and 3: with the filter relay + ao only relay and ao objects arrive; set output 1_01 switches it on', async () => {
    const filtered = join(dir, 'filter.py');
    writeFileSync(filtered, listener(`ws://127.0.0.1:${httpPort}/ws`, 'ws.send(json.dumps({"cmd": "filter", "devices": ["relay", "ao"]}))'));
    const setter = join(dir, 'set.py');
    writeFileSync(setter, listener(`ws://127.0.0.1:${httpPort}/ws`, [
      'ws.send(json.dumps({"cmd": "set", "dev": "output", "circuit": "1_01", "value": 1}))',
      'print("WebSocket send RO 1.01 to HIGH", flush=True)',
      'ws.close()',
    ].join('\n')));
    // The listener sends its filter as soon as it prints that it is open.
    let opened: () => void = () => undefined;
    const open = new Promise<void>((resolve) => { opened = resolve; });
    const listening = runPython(filtered, [], 4000, (line) => { if (line === 'WebSocket connection opened') opened(); });
    await Promise.race([open, listening]);
    const setOutput = await runPython(setter, [], 5000);
    assert.deepEqual(setOutput, ['WebSocket connection opened', 'WebSocket send RO 1.01 to HIGH', 'WebSocket connection closed']);
    for (const [path, value] of [['ao/2_03', '5.9'], ['ao/2_04', '1.3'], ['relay/1_01', '0']]) {
      await fetch(`http://127.0.0.1:${httpPort}/rest/${path}`, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `value=${value}` });
    }
    const lines = await listening;
    assert.equal(lines[0], 'WebSocket connection opened');
    const devices = arrays(lines).flat();
    assert.ok(devices.every((device) => device.dev === 'relay' || device.dev === 'ao'), lines.join('\n'));
    const seen = devices.map((d) => `${String(d.dev)} ${String(d.circuit)} ${String(d.value)}`);
    // Units 1 and 2 are polled independently, so only the order within a unit is fixed.
    assert.deepEqual([...seen].sort(), ['ao 2_03 5.9', 'ao 2_04 1.3', 'relay 1_01 0', 'relay 1_01 1']);
    assert.ok(seen.indexOf('relay 1_01 1') < seen.indexOf('relay 1_01 0'));
    assert.ok(lines.includes('Received message: [{"dev": "relay", "relay_type": "digital", "circuit": "1_01", "value": 1, "pending": false, "mode": "Simple", "modes": ["Simple", "PWM"], "glob_dev_id": 1, "pwm_freq": 4800.0, "pwm_duty": 0}]'));
    assert.ok(lines.includes('Received message: [{"dev": "ao", "circuit": "2_03", "mode": "Voltage", "modes": {"Voltage": {"unit": "V", "range": [0, 10]}}, "glob_dev_id": 2, "value": 5.9, "unit": "V", "range": [0, 10]}]'));
  });
});
