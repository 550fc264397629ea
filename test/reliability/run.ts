// `npm run test:reliability`: the reliability scorecard. Starts the demo's pieces (Node-RED with every
// example flow and the measuring agent, the Modbus simulator, the OPC UA demo server), runs each scenario
// against them and prints one table per scenario, then `reliability: N passed, M failed`. Exits 1 when a
// row fails its criterion. Options: --seed=<n> (default below, or RELIABILITY_SEED), --only=<a,b>
// (sections: fuzz, slow, faults, churn, idle, bomb).
import { churnPasses, connectCloseCycles, redeploys, type ChurnRow } from './churn';
import { frozenModbus, restartedOpcua } from './device-faults';
import { fuzzEvokRest } from './fuzz-rest';
import { fuzzRowPasses, MAX_STALL_MS, type FuzzRow } from './fuzz-row';
import { fuzzWebSocket } from './fuzz-ws';
import { BYTES_PER_CLIENT_GOAL, IDLE_CLIENTS, idleClients, idlePasses, openFileLimit } from './idle-clients';
import { patternBomb } from './pattern-bomb';
import { Prng } from './prng';
import { Scorecard } from './scorecard';
import { OUTBOUND_BUDGET_BYTES, SLACK_BYTES, slowReaderPasses, slowReaders } from './slow-reader';
import { SystemUnderTest } from './system-under-test';
import { evok, opcuaGateway, opcuaServer, raw, winccoa, zato } from './targets';

const DEFAULT_SEED = 20_261_207;

function option(name: string): string | undefined {
  const prefix = `--${name}=`;
  return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

const log = (line: string): void => { console.log(line); };

const FUZZ = 'fuzzing: 10,000 seeded mutated frames per dialect';
const FUZZ_HEADERS = ['dialect', 'frames', 'crashes', 'alive after each batch', `max stall ms (<= ${MAX_STALL_MS})`, 'wall-clock stall ms', 'errors answered', 'server closes', 's'];

function fuzzCells(row: FuzzRow): Array<string | number> {
  return [row.dialect, row.frames, row.crashes, `${row.aliveBatches}/${row.batches}`, row.maxStallMs.toFixed(1), row.maxWallStallMs.toFixed(1), row.errorsAnswered, row.serverCloses, row.seconds.toFixed(0)];
}

const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);

const SLOW = 'slow readers: requests sent, answers never read (12 s each)';
const FAULTS = 'device faults';
const CHURN = 'churn: handles, listeners and heap after GC, before -> after';
const IDLE = `idle clients: ${IDLE_CLIENTS.toLocaleString('en')} on /echo`;

function churnCells(row: ChurnRow): Array<string | number> {
  return [row.scenario, row.failures, `${row.before.handles} -> ${row.after.handles}`, `${row.before.listeners} -> ${row.after.listeners}`,
    `${mb(row.before.heapUsedBytes)} -> ${mb(row.after.heapUsedBytes)}`, row.seconds.toFixed(0)];
}

async function main(): Promise<number> {
  const seed = Number(option('seed') ?? process.env.RELIABILITY_SEED ?? DEFAULT_SEED);
  const only = option('only')?.split(',');
  const runs = (section: string): boolean => !only || only.includes(section);
  const started = Date.now();
  log(`reliability scorecard, seed ${seed} (replay with --seed=${seed})`);
  const card = new Scorecard();
  const system = await SystemUnderTest.start();
  log(`Node-RED pid ${system.pid} on 127.0.0.1:${system.ports.http}; OPC UA demo server :${system.ports.opcua}; Modbus simulator :${system.ports.modbus}`);
  try {
    const rng = new Prng(seed);
    if (runs('fuzz')) {
      card.section(FUZZ, FUZZ_HEADERS);
      for (const target of [raw, evok, winccoa, opcuaServer, opcuaGateway(system.ports), zato]) {
        log(`fuzzing ${target.name} ...`);
        const row = await fuzzWebSocket(system, target, rng.fork(target.name), log);
        card.add(FUZZ, fuzzCells(row), fuzzRowPasses(row));
        if (row.firstProbeFailure) card.note(FUZZ, `${row.dialect}: ${row.firstProbeFailure}`);
        log(`  ${fuzzCells(row).join('  ')}`);
      }
      log('fuzzing evok REST ...');
      const rest = await fuzzEvokRest(system, rng.fork('evok REST'), log);
      card.add(FUZZ, fuzzCells(rest), fuzzRowPasses(rest));
      if (rest.firstProbeFailure) card.note(FUZZ, `${rest.dialect}: ${rest.firstProbeFailure}`);
      log(`  ${fuzzCells(rest).join('  ')}`);
    }
    if (runs('slow')) {
      card.section(SLOW, ['dialect', 'requests', 'answers asked MB', 'RSS peak growth MB', 'held after GC MB', `bound MB (budget ${mb(OUTBOUND_BUDGET_BYTES)} + slack ${mb(SLACK_BYTES)})`, 'closed by server', 'alive']);
      for (const row of await slowReaders(system, log)) {
        card.add(SLOW, [row.dialect, row.requests, mb(row.demandedBytes), mb(row.rssPeakGrowth), mb(row.retainedGrowth), mb(OUTBOUND_BUDGET_BYTES + SLACK_BYTES), row.closedByServer ? 'yes' : 'no', row.alive ? 'yes' : 'NO'], slowReaderPasses(row));
      }
    }
    if (runs('faults')) {
      card.section(FAULTS, ['scenario', 'measured']);
      log('frozen Modbus device ...');
      const frozen = await frozenModbus(system, log);
      card.add(FAULTS, [frozen.scenario, frozen.figures], frozen.pass);
      log('killed and restarted OPC UA server ...');
      const restarted = await restartedOpcua(system, log);
      card.add(FAULTS, [restarted.scenario, restarted.figures], restarted.pass);
    }
    if (runs('idle')) {
      card.section(IDLE, ['clients', 'opened', 'answered a probe', 'closed', `RSS per client KB (<= ${BYTES_PER_CLIENT_GOAL / 1024})`, 'heap+buffers per client KB', 'handles while open', 'handles before -> after close', 's']);
      const limit = openFileLimit();
      if (!(limit >= IDLE_CLIENTS + 500)) {
        card.note(IDLE, `the open-file limit is ${limit}; each side needs ${IDLE_CLIENTS + 500}: run \`ulimit -n 20000\` first`);
        card.add(IDLE, [IDLE_CLIENTS, 0, 0, 0, '-', '-', '-', '-', 0], false);
      } else {
        log(`${IDLE_CLIENTS} idle clients (from a child process) ...`);
        const idle = await idleClients(system, log);
        card.add(IDLE, [idle.clients, idle.opened, idle.answered, idle.closed, (idle.bytesPerClient / 1024).toFixed(1), (idle.heapPerClient / 1024).toFixed(1),
          idle.handlesWhileOpen, `${idle.before.handles} -> ${idle.after.handles}`, idle.seconds.toFixed(0)], idlePasses(idle));
        if (idle.firstError) card.note(IDLE, `first error: ${idle.firstError}`);
      }
    }
    if (runs('churn')) {
      card.section(CHURN, ['scenario', 'failures', 'handles', 'listeners', 'heap MB', 's']);
      log('connect/close cycles ...');
      const cycles = await connectCloseCycles(system);
      card.add(CHURN, churnCells(cycles), churnPasses(cycles));
      log('redeploys ...');
      const deploys = await redeploys(system, log);
      card.add(CHURN, churnCells(deploys), churnPasses(deploys));
    }
    if (runs('bomb')) {
      card.section(FUZZ, FUZZ_HEADERS);
      log('winccoa FROM-pattern bomb (run last: it crashed the process before the pattern matcher was bounded) ...');
      const bomb = await patternBomb(system, log);
      card.add(FUZZ, fuzzCells(bomb), bomb.crashes === 0 && bomb.aliveBatches === 1 && bomb.maxStallMs <= MAX_STALL_MS);
      card.note(FUZZ, 'The FROM-pattern bomb row is one frame, excluded from the seeded frames and run after them.');
    }
  } finally {
    await system.stop();
  }
  console.log(card.render());
  console.log(`\nseed ${seed}; ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(`reliability: ${card.passed} passed, ${card.failed} failed`);
  return card.failed === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.stack : error);
    console.log('reliability: 0 passed, 1 failed');
    process.exit(1);
  },
);
