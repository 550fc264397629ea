// Child process of modbus-device.ts: the demo's Neuron L533 simulator on the port given as argument.
import { NeuronSimulator } from '../../demo/modbus/neuron-simulator';

const neuron = new NeuronSimulator({ product: 'neuron-l533', host: '127.0.0.1', port: Number(process.argv[2]), drift: true });
neuron.start().then(
  () => process.send?.({ port: neuron.port }),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
process.on('disconnect', () => process.exit(0));
