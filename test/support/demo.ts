import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { freePort } from './ports';
import { deadline, pollUntil } from './wait';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const PYTHON = '/usr/bin/python3';

export interface RunningDemo {
  httpPort: number;
  dir: string;
  log(): string;
  stop(): Promise<void>;
}

export interface DemoOptions {
  /**
   * Environment for scripts/start-demo.mjs: simulator switches and ports (DEMO_*_PORT); the example
   * flows follow the ports as `npm start` has them follow (scripts/demo-ports.mjs).
   */
  env: Record<string, string>;
  /** Resolves true once the demo answers what the test needs. */
  ready(httpPort: number): Promise<boolean>;
}

interface Credentials {
  username: string;
  password: string;
}

/** The ports the example flows name (scripts/demo-ports.mjs). */
export interface DemoPorts {
  http: number;
  evok3: number;
  opcuaServer: number;
  opcuaGateway: number;
  opcua: number;
  modbus: number;
}

/** What the tests use of scripts/start-demo.mjs. */
interface Launcher {
  /** `ports`: where the example flows' demo ports go; without it, the test process's DEMO_*_PORT say. */
  prepareUserDir(options: { userDir: string; port: number; ports?: Partial<DemoPorts> }): unknown;
  DEMO_ADMIN: Credentials;
}

/** What the tests use of scripts/demo-ports.mjs. */
interface PortsModule {
  PORT_VARIABLES: Readonly<Record<keyof DemoPorts, string>>;
  demoPortsFromEnv(env: Record<string, string | undefined>): DemoPorts;
}

export function launcher(): Promise<Launcher> {
  return import(pathToFileURL(join(ROOT, 'scripts', 'start-demo.mjs')).href) as Promise<Launcher>;
}

function portsModule(): Promise<PortsModule> {
  return import(pathToFileURL(join(ROOT, 'scripts', 'demo-ports.mjs')).href) as Promise<PortsModule>;
}

/** The demo's editor login (adminAuth), as printed in its banner. */
export async function demoAdmin(): Promise<Credentials> {
  return (await launcher()).DEMO_ADMIN;
}

/** A bearer token of the demo's admin API, got the way the editor gets one (POST /auth/token). */
export async function adminToken(httpPort: number): Promise<string> {
  const { username, password } = await demoAdmin();
  const response = await fetch(`http://127.0.0.1:${httpPort}/auth/token`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: 'node-red-admin', grant_type: 'password', scope: '*', username, password }),
  });
  if (response.status !== 200) throw new Error(`POST /auth/token: HTTP ${response.status}`);
  return ((await response.json()) as { access_token: string }).access_token;
}

/**
 * Runs the real `npm start` launcher (scripts/start.mjs, which adds the security-revert flag where this
 * Node accepts it) on free ports in a temporary user directory, as a user would, and waits until it is ready.
 */
export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const httpPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ws-gateway-demo-'));
  const { prepareUserDir } = await launcher();
  const { PORT_VARIABLES, demoPortsFromEnv } = await portsModule();
  // Every listener of the demo on a free port unless the test chose one, so that a demo, another test
  // run or a deployed example on this machine (8080-8082, 4840, 5020) cannot collide with this one.
  const env: Record<string, string | undefined> = { ...options.env };
  for (const variable of Object.values(PORT_VARIABLES)) {
    if (variable !== 'PORT' && env[variable] === undefined) env[variable] = String(await freePort());
  }
  // Written here, kept by the demo (DEMO_KEEP_FLOWS): the flows follow these ports.
  prepareUserDir({ userDir: dir, port: httpPort, ports: demoPortsFromEnv(env) });
  let log = '';
  const demo: ChildProcess = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PORT: String(httpPort), DEMO_USER_DIR: dir, DEMO_KEEP_FLOWS: '1', DEMO_SKIP_BUILD: '1', DEMO_LOG_LEVEL: 'warn', ...env },
  });
  demo.stdout?.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  demo.stderr?.on('data', (chunk: Buffer) => { log += chunk.toString(); });
  const stop = async (): Promise<void> => {
    if (demo.pid !== undefined && demo.exitCode === null) {
      const exited = new Promise((done) => demo.once('exit', done));
      process.kill(-demo.pid, 'SIGINT');
      await Promise.race([exited, deadline(15_000)]);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // What `ready` asks for (an OPC UA session made, a device polled) has no event outside the process.
  try {
    await pollUntil(() => options.ready(httpPort), 'the demo did not come up', {
      timeoutMs: 90_000, intervalMs: 250, abort: () => (demo.exitCode !== null ? 'it exited' : undefined), context: () => log,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { httpPort, dir, log: () => log, stop };
}

/**
 * Runs a Python client for at most `ms` and returns its output lines (stdout and stderr). `onLine` hears
 * each stdout line as it comes, for a test that waits for the client to reach a step.
 */
export function runPython(file: string, args: string[], ms: number, onLine?: (line: string) => void): Promise<string[]> {
  return new Promise((done, fail) => {
    const child = spawn(PYTHON, ['-u', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let partial = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!onLine) return;
      const lines = (partial + chunk.toString()).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) onLine(line);
    });
    child.stderr.on('data', (chunk: Buffer) => { out += chunk.toString(); });
    const timer = setTimeout(() => child.kill('SIGTERM'), ms);
    child.once('error', fail);
    child.once('exit', () => {
      clearTimeout(timer);
      done(out.split('\n').filter((line) => line.length > 0));
    });
  });
}
