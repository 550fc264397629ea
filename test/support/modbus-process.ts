import path = require('node:path');
import type { SimulatedWrite } from '../../demo/modbus/neuron-simulator';
import { exited, forkReady } from './child-process';

/** The Neuron simulator running in a child process (modbus-process-child.ts). */
export interface ModbusProcess {
  port: number;
  pid: number;
  /** Every write the simulator executed, oldest first, as it reported them. */
  readonly writes: readonly SimulatedWrite[];
  /** SIGSTOP: the process hangs like a frozen device; its kernel still accepts connections and data. */
  freeze(): void;
  /** SIGCONT: it goes on with whatever reached it meanwhile. */
  thaw(): void;
  /** Ends the process (thawing it first) and resolves once it is gone. */
  stop(): Promise<void>;
}

export interface ModbusProcessOptions {
  /** 0 (the default) picks a free port; give the same port again to restart "the same" device. */
  port?: number;
  /** A shipped product profile (units 1-3 of `neuron-l533` by default). */
  product?: string;
}

/**
 * Starts the simulator in its own process and resolves once it listens. Used by the write-outcome tests
 * and the reliability scorecard: only a separate process can be frozen with SIGSTOP.
 */
export async function start(options: ModbusProcessOptions = {}): Promise<ModbusProcess> {
  const writes: SimulatedWrite[] = [];
  let frozen = false;
  const { child, ready } = await forkReady<{ port: number }>(path.join(__dirname, 'modbus-process-child.js'), [String(options.port ?? 0), options.product ?? 'neuron-l533'], {
    onMessage: (message) => {
      const write = (message as { write?: SimulatedWrite }).write;
      if (write) writes.push(write);
    },
  });
  const port = ready.port;
  const pid = child.pid;
  if (pid === undefined) throw new Error('the Modbus simulator process has no pid');
  return {
    port,
    pid,
    writes,
    freeze() {
      frozen = true;
      child.kill('SIGSTOP');
    },
    thaw() {
      frozen = false;
      child.kill('SIGCONT');
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      if (frozen) child.kill('SIGCONT');
      child.kill('SIGTERM');
      await exited(child);
    },
  };
}
