import { recordStall, type FuzzRow } from './fuzz-row';
import { Peer } from './peer';
import type { SystemUnderTest } from './system-under-test';
import { winccoa } from './targets';

/** The nesting that crashed the WinCC OA dialect's FROM-pattern matcher (9,000 nested `{a,`). */
export const PATTERN_BOMB_DEPTH = 9_000;

/**
 * The one known crasher, kept out of the fuzzing rows and run last so that it cannot hide what the
 * others measure: a DpQueryConnect whose FROM pattern nests `{a,` 9,000 times.
 */
export async function patternBomb(system: SystemUnderTest, log: (line: string) => void): Promise<FuzzRow> {
  const started = Date.now();
  const crashesBefore = system.crashes;
  const row: FuzzRow = { dialect: `winccoa FROM '{a,'x${PATTERN_BOMB_DEPTH}`, frames: 0, crashes: 0, batches: 1, aliveBatches: 0, maxStallMs: 0, maxWallStallMs: 0, errorsAnswered: 0, serverCloses: 0, seconds: 0 };
  await system.stats({ reset: true });
  const peer = await Peer.open(winccoa.url(system.ports), winccoa.isError);
  const pattern = `${'{a,'.repeat(PATTERN_BOMB_DEPTH)}b${'}'.repeat(PATTERN_BOMB_DEPTH)}`;
  peer.sendJson({ DpQueryConnect: { Id: 1, Query: `SELECT '_online.._value' FROM '${pattern}'`, Answer: true } });
  row.frames = 1;
  try {
    await peer.waitFor((text) => text.includes('DpQueryConnectResult'), 15_000);
  } catch {
    // no answer: the probe below decides
  }
  row.errorsAnswered = peer.errorReplies;
  if (peer.closeCode !== undefined) row.serverCloses = 1;
  await peer.close();
  await new Promise((resolve) => setTimeout(resolve, 500));
  const failure = system.alive ? await winccoa.probe(system.ports, 0) : 'Node-RED is not running';
  if (system.alive) recordStall(row, await system.stats({ reset: true }));
  if (failure === undefined && system.alive) row.aliveBatches = 1;
  else row.firstProbeFailure = failure;
  row.crashes = system.crashes - crashesBefore;
  if (!system.alive) {
    log(`  pattern bomb: Node-RED crashed\n${system.log().slice(-2000)}`);
    await system.restart();
  }
  row.seconds = (Date.now() - started) / 1000;
  return row;
}
