import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './ports';
import { deadline } from './wait';

const ROOT = resolve(__dirname, '..', '..', '..');
const PROBE = ['sh', '-c', 'command -v mosquitto || test -x /usr/sbin/mosquitto'];

/** Debian's mosquitto binary, installed with apt-get when missing and allowed (root), else a clear error. */
export function mosquittoBinary(): string {
  const ensured = spawnSync(process.execPath, [join(ROOT, 'scripts', 'ensure-debian-package.mjs'), 'mosquitto', ...PROBE], { stdio: 'inherit' });
  if (ensured.status !== 0) throw new Error("the MQTT tests need Debian's mosquitto broker: sudo apt-get install -y mosquitto");
  const found = spawnSync('sh', ['-c', 'command -v mosquitto || echo /usr/sbin/mosquitto'], { encoding: 'utf8' });
  return found.stdout.trim();
}

export interface Broker {
  port: number;
  url: string;
  /** Stops the broker process (retained messages go with it: persistence is off). */
  stop(): Promise<void>;
  /** Starts it again on the same port. */
  start(): Promise<void>;
}

/**
 * A Mosquitto on a free 127.0.0.1 port with a temporary config: no persistence, $SYS every second;
 * anonymous, or only the given `user:password` logins (made with mosquitto_passwd).
 */
export async function startBroker(options: { users?: Record<string, string> } = {}): Promise<Broker> {
  const binary = mosquittoBinary();
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'ws-gateway-mosquitto-'));
  const config = join(dir, 'mosquitto.conf');
  const access = ['allow_anonymous true'];
  if (options.users) {
    const passwords = join(dir, 'passwords');
    writeFileSync(passwords, '');
    for (const [user, password] of Object.entries(options.users)) {
      const made = spawnSync('mosquitto_passwd', ['-b', passwords, user, password], { stdio: 'inherit' });
      if (made.status !== 0) throw new Error('mosquitto_passwd failed');
    }
    // Started as root, Mosquitto reads the file after dropping to its own user.
    chmodSync(dir, 0o755);
    chmodSync(passwords, 0o644);
    access.splice(0, 1, 'allow_anonymous false', `password_file ${passwords}`);
  }
  writeFileSync(config, [`listener ${port} 127.0.0.1`, ...access, 'persistence false', 'sys_interval 1', 'log_dest stderr', ''].join('\n'));
  let child: ChildProcess | undefined;
  let log = '';
  const broker: Broker = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    async start() {
      const started = spawn(binary, ['-c', config], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = started;
      const from = log.length;
      // Mosquitto logs "mosquitto version x running" once its listeners are open (log_dest stderr).
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`mosquitto did not start on ${port} within 10 s: ${log}`)), 10_000);
        started.stderr?.on('data', (chunk: Buffer) => {
          log += chunk.toString('utf8');
          if (!/mosquitto version \S+ running/.test(log.slice(from))) return;
          clearTimeout(timer);
          resolve();
        });
        started.once('exit', (code) => {
          clearTimeout(timer);
          reject(new Error(`mosquitto exited (${code}) before it listened on ${port}: ${log}`));
        });
      });
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null) return;
      const exited = new Promise<boolean>((done) => running.once('exit', () => done(true)));
      running.kill('SIGTERM');
      // Mosquitto 2.0 can miss a SIGTERM that comes just after it started (it blocks its signals and
      // sleeps in epoll_wait for good: seen twice in a test under load, the spec then hung). A broker
      // that did not go in 3 s is killed.
      if (await Promise.race([exited, deadline(3000).then(() => false)])) return;
      running.kill('SIGKILL');
      await exited;
    },
  };
  await broker.start();
  process.once('exit', () => { rmSync(dir, { recursive: true, force: true }); });
  return broker;
}
