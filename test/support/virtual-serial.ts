import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { delay } from './wait';

/**
 * A serial line in software: socat makes a pseudo-terminal (a real tty that serialport opens like a
 * USB adapter) and joins it to a TCP port, where an RTU peer (the RTU bridge to the simulator) listens.
 * socat comes from Debian; scripts/ensure-debian-package.mjs installs it on first use when run as root.
 */
export async function startVirtualSerialLine(tcpPort: number): Promise<{ path: string; close(): Promise<void> }> {
  ensureSocat();
  const dir = mkdtempSync(join(tmpdir(), 'ws-gateway-tty-'));
  const path = join(dir, 'ttyV0');
  const socat: ChildProcess = spawn('socat', [`pty,raw,echo=0,link=${path}`, `tcp:127.0.0.1:${tcpPort}`], { stdio: 'ignore' });
  for (let waited = 0; !existsSync(path); waited += 20) {
    if (waited > 5000 || socat.exitCode !== null) throw new Error('socat did not make the pseudo-terminal');
    await delay(20);
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
  const result = spawnSync(process.execPath, [script, 'socat', 'socat', '-V'], { stdio: 'inherit' });
  if (result.status !== 0) throw new Error('the serial line test needs socat (apt-get install -y socat)');
}
