import { fork, type ChildProcess } from 'node:child_process';

export interface ForkOptions {
  /** Node flags for the child (none by default: not the test runner's own). */
  execArgv?: string[];
  timeoutMs?: number;
  /** Every message of the child, the ready report included, seen before any could be missed. */
  onMessage?(message: unknown): void;
}

/**
 * Forks a compiled test module and waits for its first IPC message, its "ready" report. The one launcher
 * of child-process test servers (the Modbus simulator, the OPC UA demo server, the idle clients): a
 * separate process is what a test can freeze (SIGSTOP) or kill (SIGKILL) like a device or a crash. The
 * child should exit on 'disconnect', so none outlives its parent. Its stderr is kept (the last 4,000
 * characters) for the error when it fails to start.
 */
export function forkReady<T>(file: string, args: string[], options: ForkOptions = {}): Promise<{ child: ChildProcess; ready: T }> {
  const { execArgv = [], timeoutMs = 60_000, onMessage } = options;
  const child = fork(file, args, { execArgv, stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => { errors = (errors + chunk.toString()).slice(-4000); });
  if (onMessage) child.on('message', onMessage);
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
