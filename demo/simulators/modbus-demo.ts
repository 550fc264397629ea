import type { DemoSimulator, RunningSimulator } from '../simulator';
import { NeuronSimulator } from '../modbus/neuron-simulator';

/** The Unipi Neuron L533 the evok example serves: units 1-3 at 127.0.0.1:5020 (DEMO_MODBUS_PORT). */
const simulator: DemoSimulator = {
  name: 'Modbus TCP simulator (Unipi Neuron L533, units 1-3)',
  envSwitch: 'DEMO_MODBUS',
  async start(): Promise<RunningSimulator> {
    const port = process.env.DEMO_MODBUS_PORT ? Number(process.env.DEMO_MODBUS_PORT) : 5020;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`DEMO_MODBUS_PORT must be a port number, got ${process.env.DEMO_MODBUS_PORT}`);
    const neuron = new NeuronSimulator({ product: 'neuron-l533', host: '127.0.0.1', port, drift: true });
    await neuron.start();
    return { describe: `modbus tcp 127.0.0.1:${neuron.port} (units 1-3)`, stop: () => neuron.stop() };
  },
};

export default simulator;
