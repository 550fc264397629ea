import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { adminToken, launcher, ROOT, type DemoPorts } from '../support/demo';
import { freePort } from '../support/ports';
import { deadline, pollUntil } from '../support/wait';
import type { AgentReply, AgentRequest } from './agent-protocol';
import { exited } from '../support/child-process';
import { start as startModbusProcess, type ModbusProcess } from '../support/modbus-process';
import { securityRevert } from '../support/security-revert';
import { OpcuaProcess } from './opcua-process';

/** Ids of the example nodes the scorecard changes. */
const ECHO_SERVER_ID = 'c0ffee0000000001';
/** Enough for the idle-clients row's 10,000 clients and its probes. */
export const ECHO_MAX_CLIENTS = 10_100;

/** The demo's ports (test/support/demo.ts), all free ones here. */
export type Ports = DemoPorts;

/**
 * The demo as `npm start` builds it (settings, every example flow), run on free ports: Node-RED in a
 * child process with the measuring agent, the Modbus simulator and the OPC UA demo server each in their
 * own process so that they can be frozen or killed.
 */
export class SystemUnderTest {
  private nodeRed: ChildProcess | undefined;
  private output = '';
  private nextRequest = 1;
  private readonly pending = new Map<number, (reply: AgentReply) => void>();
  /** Node-RED processes that ended without being asked to. */
  crashes = 0;
  modbus!: ModbusProcess;
  readonly opcua: OpcuaProcess;
  private token = '';

  private constructor(readonly ports: Ports, readonly dir: string) {
    this.opcua = new OpcuaProcess(ports.opcua, join(dir, 'opcua-pki'));
  }

  static async start(): Promise<SystemUnderTest> {
    const ports: Ports = { http: await freePort(), opcuaServer: await freePort(), opcuaGateway: await freePort(), modbus: await freePort(), opcua: await freePort(), evok3: await freePort() };
    const system = new SystemUnderTest(ports, mkdtempSync(join(tmpdir(), 'ws-gateway-reliability-')));
    await system.prepare();
    system.modbus = await startModbusProcess({ port: ports.modbus });
    await system.opcua.start();
    await system.startNodeRed();
    return system;
  }

  private async prepare(): Promise<void> {
    // prepareUserDir points the example flows at these ports the way `npm start` does (scripts/demo-ports.mjs).
    const { http, ...ports } = this.ports;
    (await launcher()).prepareUserDir({ userDir: this.dir, port: http, ports });
    const file = join(this.dir, 'flows.json');
    const flows = (JSON.parse(readFileSync(file, 'utf8')) as Array<Record<string, unknown>>)
      .map((node) => (node.id === ECHO_SERVER_ID ? { ...node, maxClients: ECHO_MAX_CLIENTS } : node));
    writeFileSync(file, JSON.stringify(flows, null, 2));
  }

  private async startNodeRed(): Promise<void> {
    const redJs = require.resolve('node-red/red.js');
    const child = spawn(process.execPath, [
      '--expose-gc', ...(await securityRevert()).revertFlags(), '--require', join(__dirname, 'server-agent.js'),
      redJs, '--userDir', this.dir, '--port', String(this.ports.http),
    ], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe', 'ipc'], env: { ...process.env, PORT: String(this.ports.http), DEMO_LOG_LEVEL: 'warn' } });
    this.nodeRed = child;
    const keep = (chunk: Buffer): void => { this.output = (this.output + chunk.toString()).slice(-200_000); };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('message', (reply: AgentReply) => {
      const resolve = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      resolve?.(reply);
    });
    child.once('exit', (code, signal) => {
      if (this.nodeRed === child) {
        this.crashes += 1;
        this.nodeRed = undefined;
        this.output += `\n[scorecard] Node-RED exited (${code ?? signal})\n`;
      }
    });
    // At log level warn, Node-RED prints no line when it listens: its login endpoint is asked instead.
    await pollUntil(async () => (await fetch(`http://127.0.0.1:${this.ports.http}/auth/login`)).status === 200, 'Node-RED did not start', {
      timeoutMs: 90_000, intervalMs: 250, abort: () => (this.nodeRed ? undefined : 'it exited'), context: () => this.output,
    });
    this.token = await adminToken(this.ports.http);
  }

  get alive(): boolean {
    return this.nodeRed !== undefined;
  }

  get pid(): number | undefined {
    return this.nodeRed?.pid;
  }

  log(): string {
    return this.output;
  }

  /** Starts Node-RED again after a crash (the simulators keep running). */
  async restart(): Promise<void> {
    if (this.nodeRed) return;
    await this.startNodeRed();
  }

  /** Measures the Node-RED process from the inside (see server-agent.ts). */
  stats(options: { gc?: boolean; reset?: boolean } = {}): Promise<AgentReply> {
    const child = this.nodeRed;
    if (!child) return Promise.reject(new Error('Node-RED is not running'));
    const request: AgentRequest = { agent: true, id: this.nextRequest++, gc: options.gc ?? false, reset: options.reset ?? false };
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(request.id);
        reject(new Error('the agent did not answer within 30 s'));
      }, 30_000);
      this.pending.set(request.id, (reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      child.send(request);
    });
  }

  private adminHeaders(): Record<string, string> {
    return { Authorization: `Bearer ${this.token}` };
  }

  async flows(): Promise<unknown[]> {
    const response = await fetch(`http://127.0.0.1:${this.ports.http}/flows`, { headers: this.adminHeaders() });
    if (response.status !== 200) throw new Error(`GET /flows: HTTP ${response.status}`);
    return await response.json() as unknown[];
  }

  /** A full deploy through the admin API, as the editor's Deploy button does. */
  async deploy(flows: unknown[]): Promise<void> {
    const response = await fetch(`http://127.0.0.1:${this.ports.http}/flows`, {
      method: 'POST',
      headers: { ...this.adminHeaders(), 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      body: JSON.stringify(flows),
    });
    if (response.status !== 204 && response.status !== 200) throw new Error(`POST /flows: HTTP ${response.status} ${await response.text()}`);
  }

  async stop(): Promise<void> {
    const child = this.nodeRed;
    this.nodeRed = undefined;
    if (child) {
      child.kill('SIGINT');
      await Promise.race([exited(child), deadline(15_000)]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
    await this.opcua.kill();
    await this.modbus?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
