// Tests that need a Debian package (python3-websocket for the seeds' Python examples, socat for a
// pseudo-terminal serial line) install it on a fresh machine when run as root (CI, the project's
// machines); otherwise they say how. Used as a module by run-tests.mjs and as a command by test code:
//   node scripts/ensure-debian-package.mjs <package> <probe command> [probe args...]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** True when `probe` (a command and its arguments) succeeds, after installing `pkg` if needed and allowed. */
export function ensureDebianPackage(pkg, probe) {
  const present = () => spawnSync(probe[0], probe.slice(1), { stdio: 'ignore' }).status === 0;
  if (present()) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error(`these tests need Debian's ${pkg}: sudo apt-get install -y ${pkg}`);
    return false;
  }
  console.log(`[test] installing ${pkg} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env });
  return present();
}

/** The seeds' Python client: Debian's python3-websocket for /usr/bin/python3. */
export function ensurePythonClient() {
  return ensureDebianPackage('python3-websocket', ['/usr/bin/python3', '-c', 'import websocket']);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [pkg, ...probe] = process.argv.slice(2);
  process.exit(pkg && probe.length > 0 && ensureDebianPackage(pkg, probe) ? 0 : 1);
}
