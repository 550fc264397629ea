import { spawn } from 'node:child_process';
import path = require('node:path');
import readline = require('node:readline');
import type { SimulatedWrite } from '../../demo/modbus/neuron-simulator';

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
  const child = spawn(process.execPath, [path.join(__dirname, 'modbus-process-child.js'), String(options.port ?? 0), options.product ?? 'neuron-l533'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const writes: SimulatedWrite[] = [];
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let frozen = false;
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the Modbus simulator process ended (${code}) before it listened`)));
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      const event = JSON.parse(line) as { port?: number; write?: SimulatedWrite };
      if (event.write) writes.push(event.write);
      if (event.port !== undefined) resolve(event.port);
    });
  });
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
      await exited;
    },
  };
}
