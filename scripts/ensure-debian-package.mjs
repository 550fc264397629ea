// Tests that need a Debian package (python3-websocket for the seeds' Python examples, socat for a
// pseudo-terminal serial line, mosquitto for the MQTT tests, chromium for the editor test) install it on a
// fresh machine when run as root (CI, the project's machines); anyone else is told what to install and
// why, and nothing calls apt-get. Used as a module by run-tests.mjs and as a command by test code:
//   node scripts/ensure-debian-package.mjs <package> <probe command> [probe args...]
// (the environment variable WHY, when set, says in the message what needs the package).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** True when `probe` (a command and its arguments) fails: the package it stands for is not there. */
export function debianPackageMissing(probe) {
  return spawnSync(probe[0], probe.slice(1), { stdio: 'ignore' }).status !== 0;
}

/** Whether this process may install Debian packages itself: root, on a machine with apt-get. */
export function mayInstall() {
  return typeof process.getuid === 'function' && process.getuid() === 0 && existsSync('/usr/bin/apt-get');
}

/**
 * True when `probe` succeeds, after installing `pkg` if needed and allowed (root with apt-get). Otherwise
 * prints what to install (and `why`, when given) and returns false. `allowInstall` is for tests of the
 * message a user without root sees.
 */
export function ensureDebianPackage(pkg, probe, why, allowInstall = mayInstall()) {
  if (!debianPackageMissing(probe)) return true;
  if (!allowInstall) {
    console.error(`missing Debian package ${pkg}${why ? ` (${why})` : ''}: sudo apt-get install -y ${pkg}`);
    return false;
  }
  console.log(`[test] installing ${pkg} ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'inherit', env });
  return !debianPackageMissing(probe);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [pkg, ...probe] = process.argv.slice(2);
  process.exit(pkg && probe.length > 0 && ensureDebianPackage(pkg, probe, process.env.WHY) ? 0 : 1);
}
