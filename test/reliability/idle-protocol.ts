/** Commands of the idle-clients child process and its answers. */
export type IdleCommand = { cmd: 'open'; url: string; count: number } | { cmd: 'probe' } | { cmd: 'close' };

export interface IdleReport {
  cmd: IdleCommand['cmd'];
  ok: number;
  failed: number;
  firstError?: string;
}
