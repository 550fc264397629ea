import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { exited, forkReady } from '../support/child-process';
import { securityRevert } from '../support/security-revert';

/** The demo OPC UA server in its own process, so that it can be killed (SIGKILL) and started again. */
export class OpcuaProcess {
  private child: ChildProcess | undefined;

  constructor(readonly port: number, private readonly pkiFolder: string) {}

  get endpointUrl(): string {
    return `opc.tcp://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    const { child } = await forkReady<{ endpointUrl: string }>(join(__dirname, 'opcua-child.js'), [String(this.port), this.pkiFolder], { execArgv: (await securityRevert()).revertFlags(), timeoutMs: 90_000 });
    this.child = child;
  }

  /** Kills the server without any goodbye to its clients, as a crash or power loss would. */
  async kill(): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (!child) return;
    child.kill('SIGKILL');
    await exited(child);
  }
}
