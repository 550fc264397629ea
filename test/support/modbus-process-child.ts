import { NeuronSimulator } from '../../demo/modbus/neuron-simulator';
import { messageOf } from '../../lib/util/errors';

/**
 * The Neuron simulator as a process of its own (started by modbus-process.ts), so a test can stop it
 * with SIGSTOP like a hung device. Arguments: port (0 = any free one), product. It prints one JSON line
 * per event on stdout: `{"port": n}` once it listens, then `{"write": {...}}` for every write executed.
 */
const [portText = '0', product = 'neuron-l533'] = process.argv.slice(2);
const print = (line: object): void => { process.stdout.write(`${JSON.stringify(line)}\n`); };
const sim = new NeuronSimulator({ port: Number(portText), product, onWrite: (write) => print({ write }) });
// The parent's end of stdin closes when it exits: no simulator outlives its test run.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
sim.start().then((port) => print({ port }), (error: unknown) => {
  process.stderr.write(`modbus simulator: ${messageOf(error)}\n`);
  process.exit(1);
});
