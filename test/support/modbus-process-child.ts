import { NeuronSimulator } from '../../demo/modbus/neuron-simulator';
import { messageOf } from '../../lib/util/errors';

/**
 * The Neuron simulator as a process of its own (started by modbus-process.ts through
 * child-process.ts), so a test can stop it with SIGSTOP like a hung device. Arguments: port (0 = any
 * free one), product. It sends one IPC message per event: `{port}` once it listens (the ready report),
 * then `{write}` for every write executed.
 */
const [portText = '0', product = 'neuron-l533'] = process.argv.slice(2);
const report = (message: object): void => { process.send?.(message); };
const sim = new NeuronSimulator({ port: Number(portText), product, onWrite: (write) => report({ write }) });
// The IPC channel closes when the parent exits: no simulator outlives its test run.
process.on('disconnect', () => process.exit(0));
sim.start().then((port) => report({ port }), (error: unknown) => {
  process.stderr.write(`modbus simulator: ${messageOf(error)}\n`);
  process.exit(1);
});
