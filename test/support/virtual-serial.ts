import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, watch } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A serial line in software: socat makes a pseudo-terminal (a real tty that serialport opens like a
 * USB adapter) and joins it to a TCP port, where an RTU peer (the RTU bridge to the simulator) listens.
 * socat comes from Debian: the e2e tier checks for it (scripts/run-tests.mjs), and
 * scripts/ensure-debian-package.mjs installs it on first use when run as root.
 */
export async function startVirtualSerialLine(tcpPort: number): Promise<{ path: string; close(): Promise<void> }> {
  ensureSocat();
  const dir = mkdtempSync(join(tmpdir(), 'ws-gateway-tty-'));
  const path = join(dir, 'ttyV0');
  // socat announces the tty by making the link in `dir`: watched before it starts, so no event is missed.
  const watcher = watch(dir);
  const socat: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${path}`, `tcp:127.0.0.1:${tcpPort}`], { stdio: 'ignore' });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socat did not make the pseudo-terminal within 5 s')), 5000);
      const check = (): void => {
        if (!existsSync(path)) return;
        clearTimeout(timer);
        resolve();
      };
      watcher.on('change', check);
      socat.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`socat ended (${code}) before it made the pseudo-terminal`));
      });
      check();
    });
  } finally {
    watcher.close();
  }
  return {
    path,
    async close() {
      if (socat.exitCode === null) {
        const exited = new Promise((resolve) => socat.once('exit', resolve));
        socat.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function ensureSocat(): void {
  const script = join(__dirname, '..', '..', '..', 'scripts', 'ensure-debian-package.mjs');
  const why = 'the Modbus RTU serial-line test makes a pseudo-terminal with socat';
  const result = spawnSync(process.execPath, [script, 'socat', 'socat', '-V'], { stdio: 'inherit', env: { ...process.env, WHY: why } });
  if (result.status !== 0) throw new Error(`${why}: sudo apt-get install -y socat`);
}
