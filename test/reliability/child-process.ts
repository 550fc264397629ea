import { fork, type ChildProcess } from 'node:child_process';

/**
 * Forks a compiled module of this folder and waits for its first IPC message (its "ready" report).
 * `execArgv` are Node flags for the child.
 */
export function forkReady<T>(file: string, args: string[], execArgv: string[], timeoutMs = 60_000): Promise<{ child: ChildProcess; ready: T }> {
  const child = fork(file, args, { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => { errors = (errors + chunk.toString()).slice(-4000); });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} did not report ready within ${timeoutMs} ms\n${errors}`));
    }, timeoutMs);
    child.once('message', (ready: T) => {
      clearTimeout(timer);
      resolve({ child, ready });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${code ?? signal}) before it was ready\n${errors}`));
    });
  });
}

/** Resolves once the child has exited (at once if it already has). */
export function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}
