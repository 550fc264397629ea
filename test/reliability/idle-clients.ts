import type { ChildProcess } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import type { AgentReply } from './agent-protocol';
import { exited, forkReady } from '../support/child-process';
import type { IdleCommand, IdleReport } from './idle-protocol';
import type { SystemUnderTest } from './system-under-test';
import { raw } from './targets';

export const IDLE_CLIENTS = 10_000;
/** The goal per idle client, in bytes of the server's RSS. */
export const BYTES_PER_CLIENT_GOAL = 30 * 1024;
const HANDLE_TOLERANCE = 10;

export interface IdleRow {
  clients: number;
  opened: number;
  answered: number;
  closed: number;
  bytesPerClient: number;
  heapPerClient: number;
  handlesWhileOpen: number;
  before: AgentReply;
  after: AgentReply;
  firstError?: string;
  seconds: number;
}

/** The open-file limit of processes started from here (each end of 10,000 sockets needs ~10,000). */
export function openFileLimit(): number {
  try {
    return Number(execFileSync('/bin/sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim());
  } catch {
    return Number.NaN;
  }
}

function ask(child: ChildProcess, command: IdleCommand): Promise<IdleReport> {
  return new Promise((resolve) => {
    child.once('message', (report: IdleReport) => resolve(report));
    child.send(command);
  });
}

export async function idleClients(system: SystemUnderTest, log: (line: string) => void): Promise<IdleRow> {
  const started = Date.now();
  const { child } = await forkReady<IdleReport>(join(__dirname, 'idle-clients-child.js'), []);
  try {
    const before = await system.stats({ gc: true });
    const opened = await ask(child, { cmd: 'open', url: raw.url(system.ports), count: IDLE_CLIENTS });
    log(`  ${opened.ok} clients open (${opened.failed} failed${opened.firstError ? `: ${opened.firstError}` : ''})`);
    const during = await system.stats({ gc: true });
    const probed = await ask(child, { cmd: 'probe' });
    log(`  ${probed.ok} answered their probe`);
    const closed = await ask(child, { cmd: 'close' });
    let after = await system.stats({ gc: true });
    for (let i = 0; i < 20 && after.handles > before.handles + HANDLE_TOLERANCE; i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      after = await system.stats({ gc: true });
    }
    const count = Math.max(1, opened.ok);
    return {
      clients: IDLE_CLIENTS,
      opened: opened.ok,
      answered: probed.ok,
      closed: closed.ok,
      bytesPerClient: (during.rssBytes - before.rssBytes) / count,
      heapPerClient: (during.heapUsedBytes + during.buffersBytes - before.heapUsedBytes - before.buffersBytes) / count,
      handlesWhileOpen: during.handles - before.handles,
      before,
      after,
      firstError: opened.firstError ?? probed.firstError,
      seconds: (Date.now() - started) / 1000,
    };
  } finally {
    child.kill('SIGKILL');
    await exited(child);
  }
}

export function idlePasses(row: IdleRow): boolean {
  return row.opened === row.clients && row.answered === row.clients && row.closed === row.clients
    && row.bytesPerClient <= BYTES_PER_CLIENT_GOAL && row.after.handles - row.before.handles <= HANDLE_TOLERANCE;
}
