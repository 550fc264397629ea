// Runs a script in a second Node process with extra Node flags (such as --security-revert, which can
// neither be added to a running process nor passed through NODE_OPTIONS), and exits with its status.
import { spawn } from 'node:child_process';
import os from 'node:os';

/** Starts `node <flags> <script> <this process's arguments>` and mirrors its exit. */
export function relaunch(script, flags, label = 'demo') {
  const child = spawn(process.execPath, [...flags, script, ...process.argv.slice(2)], { stdio: 'inherit' });
  // Ctrl-C and a closed terminal signal the whole process group, the child included, which counts a
  // second SIGINT as "kill Node-RED now"; so those are not passed on. SIGTERM usually comes for this
  // process alone (kill, a service manager) and is.
  process.on('SIGINT', () => {});
  process.on('SIGHUP', () => {});
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  child.once('error', (err) => {
    console.error(`[${label}] could not start ${script}: ${err.message}`);
    process.exit(1);
  });
  child.once('exit', (code, signal) => process.exit(code ?? 128 + (os.constants.signals[signal] ?? 0)));
}
