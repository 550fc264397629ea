import { join } from 'node:path';
import { exited, forkReady } from './child-process';

/**
 * A Modbus TCP device in its own process, so that it can freeze the way a hung device does: the TCP
 * connection stays open and requests get no answer. (Same shape as test/support/modbus-process on the
 * Modbus write-outcome branch; the two are to be unified.)
 */
export interface ModbusDevice {
  port: number;
  freeze(): void;
  thaw(): void;
  stop(): Promise<void>;
}

export interface ModbusDeviceFactory {
  start(): Promise<ModbusDevice>;
}

/** The Neuron L533 simulator (demo/modbus) on `port`, frozen with SIGSTOP and thawed with SIGCONT. */
export function neuronProcess(port: number): ModbusDeviceFactory {
  return {
    async start() {
      const { child } = await forkReady<{ port: number }>(join(__dirname, 'modbus-child.js'), [String(port)], []);
      return {
        port,
        freeze: () => { child.kill('SIGSTOP'); },
        thaw: () => { child.kill('SIGCONT'); },
        stop: async () => {
          child.kill('SIGCONT');
          child.kill('SIGKILL');
          await exited(child);
        },
      };
    },
  };
}
