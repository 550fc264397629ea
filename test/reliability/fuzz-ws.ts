import { BATCH, FRAMES_PER_DIALECT, recordStall, type FuzzRow } from './fuzz-row';
import { mutate } from './mutate';
import { Peer } from './peer';
import type { Prng } from './prng';
import type { SystemUnderTest } from './system-under-test';
import type { SessionState, WsTarget } from './targets';

/** Frames sent before waiting for the server to have read them (keeps the test a client, not a flood). */
const FRAMES_PER_BARRIER = 8;

/**
 * Sends FRAMES_PER_DIALECT mutated requests of one dialect, reconnecting whenever the server closes the
 * connection, and after every BATCH frames checks that Node-RED is alive and answers a valid request on a
 * new connection. The stall is measured inside the server process for each batch.
 */
export async function fuzzWebSocket(system: SystemUnderTest, target: WsTarget, rng: Prng, log: (line: string) => void): Promise<FuzzRow> {
  const started = Date.now();
  const crashesBefore = system.crashes;
  const row: FuzzRow = { dialect: target.name, frames: 0, crashes: 0, batches: 0, aliveBatches: 0, maxStallMs: 0, maxWallStallMs: 0, errorsAnswered: 0, serverCloses: 0, seconds: 0 };
  let peer: Peer | undefined;
  let state: SessionState = {};
  let connections = 0;
  const retire = async (): Promise<void> => {
    if (!peer) return;
    row.errorsAnswered += peer.errorReplies;
    if (peer.closeCode !== undefined) row.serverCloses += 1;
    await peer.close();
    peer = undefined;
  };
  const connect = async (): Promise<boolean> => {
    for (let attempt = 0; attempt < 20; attempt++) {
      if (!system.alive) return false;
      try {
        connections += 1;
        const next = await Peer.open(target.url(system.ports), target.isError);
        peer = next;
        state = target.setup ? await target.setup(next, connections) : {};
        return true;
      } catch {
        await retire();
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    return false;
  };

  await system.stats({ reset: true });
  for (let batch = 0; batch < FRAMES_PER_DIALECT / BATCH; batch++) {
    row.batches += 1;
    let lastFrame = '';
    for (let i = 0; i < BATCH; i++) {
      if (!peer || !peer.open) {
        await retire();
        if (!(await connect())) break;
      }
      const n = batch * BATCH + i;
      const frame = mutate(target.valid(rng, state, n), rng);
      lastFrame = frame.how;
      peer?.send(frame.data, frame.binary);
      row.frames += 1;
      if (i % FRAMES_PER_BARRIER === FRAMES_PER_BARRIER - 1) await peer?.barrier();
    }
    await peer?.barrier();
    const failure = system.alive ? await target.probe(system.ports, batch) : 'Node-RED is not running';
    if (system.alive) {
      try {
        recordStall(row, await system.stats({ reset: true }));
      } catch {
        // the process went away while answering; counted below
      }
    }
    if (failure === undefined && system.alive) {
      row.aliveBatches += 1;
    } else {
      row.firstProbeFailure ??= `batch ${batch + 1}: ${failure ?? 'Node-RED exited'} (last mutation: ${lastFrame})`;
      log(`  ${target.name}: batch ${batch + 1} not alive: ${failure ?? 'Node-RED exited'}`);
    }
    if (!system.alive) {
      await retire();
      log(`  ${target.name}: Node-RED crashed; restarting. Last mutation: ${lastFrame}\n${system.log().slice(-3000)}`);
      await system.restart();
      await system.stats({ reset: true });
    }
  }
  await retire();
  row.crashes = system.crashes - crashesBefore;
  row.seconds = (Date.now() - started) / 1000;
  return row;
}
