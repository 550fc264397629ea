// The seed acceptance tests run the seeds' Python examples with Debian's python3-websocket, the client
// the seeds use. On a fresh machine it is missing: as root (CI, the project's machines) it is installed
// here; otherwise the tests cannot run and this says how to install it.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const PYTHON = '/usr/bin/python3';

export function pythonClientPresent() {
  return existsSync(PYTHON) && spawnSync(PYTHON, ['-c', 'import websocket'], { stdio: 'ignore' }).status === 0;
}

export function ensurePythonClient() {
  if (pythonClientPresent()) return true;
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!isRoot || !existsSync('/usr/bin/apt-get')) {
    console.error('The seed acceptance tests need Debian\'s python3-websocket: sudo apt-get install -y python3-websocket');
    return false;
  }
  console.log('[test] installing python3-websocket for the seed acceptance tests ...');
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', 'python3-websocket'], { stdio: 'inherit', env });
  return pythonClientPresent();
}
