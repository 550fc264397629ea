// Runs the compiled specs under dist/test with Node's own test runner, one file at a time so that tests
// that bind ports and count open handles do not disturb each other.
//
//   node scripts/run-tests.mjs                 every tier: unit, then nodes, then e2e
//   node scripts/run-tests.mjs unit nodes      only these tiers (unit, nodes, e2e)
//   node scripts/run-tests.mjs unit/tags       only specs whose path contains "unit/tags"
//   node scripts/run-tests.mjs nodes zato      specs of a tier whose path contains "zato"
//
// The tiers: unit (test/unit: lib/ alone, nothing but Node and node_modules), nodes (test/nodes and
// test/mqtt: the nodes in a real Node-RED, the MQTT bridge with Debian's mosquitto) and e2e (test/e2e:
// the real demo with the seeds' Python clients, a serial line through socat). Only the e2e tier needs
// programs outside node_modules that the tests cannot start themselves; see e2eNeeds below.
//
// Files named *.revert.spec.js run in a second invocation with the flags that let this Node decrypt
// RSA PKCS#1 v1.5 (scripts/security-revert.mjs), as the demo runs: --security-revert=CVE-2023-46809 on
// Node 20, which refuses that decryption without it; nothing on Node 22 and later, which decrypt it anyway
// and refuse the flag. The OPC UA policy Basic128Rsa15 needs that decryption. Node does not accept the
// flag in NODE_OPTIONS, so it goes on the command line.
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { debianPackageMissing, ensureDebianPackage } from './ensure-debian-package.mjs';
import { revertFlags } from './security-revert.mjs';

const TIERS = {
  unit: ['dist/test/unit'],
  nodes: ['dist/test/nodes', 'dist/test/mqtt'],
  e2e: ['dist/test/e2e'],
};

/**
 * What the e2e tier needs from Debian, and why. As root (CI) the runner installs what is missing; anyone
 * else is told what to install, and the e2e tier does not run (the other tiers still do).
 */
const e2eNeeds = [
  {
    pkg: 'python3-websocket',
    probe: ['/usr/bin/python3', '-c', 'import websocket'],
    why: "the seed acceptance tests run the seeds' own Python examples (test/seeds/*.py), which import websocket-client",
    neededBy: () => true,
  },
  {
    pkg: 'socat',
    probe: ['socat', '-V'],
    why: 'the Modbus RTU serial-line test makes a pseudo-terminal with socat',
    neededBy: (file) => file.includes('serial-line'),
  },
];

function specs(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((entry) => {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) return specs(path);
    return entry.endsWith('.spec.js') ? [path] : [];
  });
}

const args = process.argv.slice(2);
const tiers = args.filter((arg) => arg in TIERS);
const filters = args.filter((arg) => !(arg in TIERS));
const selected = (tiers.length > 0 ? tiers : Object.keys(TIERS)).sort((a, b) => Object.keys(TIERS).indexOf(a) - Object.keys(TIERS).indexOf(b));
const tierOf = new Map();
for (const tier of selected) {
  for (const file of TIERS[tier].flatMap(specs).sort()) {
    if (filters.every((filter) => file.includes(filter))) tierOf.set(file, tier);
  }
}
let files = [...tierOf.keys()];
if (files.length === 0) {
  console.error(`no spec files under dist/test for ${args.join(' ') || 'all tiers'} (built? npm run build)`);
  process.exit(1);
}

let status = 0;
const e2eFiles = files.filter((file) => tierOf.get(file) === 'e2e');
const needs = e2eNeeds.filter((need) => e2eFiles.some(need.neededBy));
const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
const missing = needs.filter((need) => (isRoot ? !ensureDebianPackage(need.pkg, need.probe) : debianPackageMissing(need.probe)));
if (missing.length > 0) {
  const lines = [
    `the e2e tier (test/e2e) needs Debian package${missing.length > 1 ? 's' : ''} that ${isRoot ? 'could not be installed' : 'are missing'}:`,
    ...missing.map((need) => `  ${need.pkg}: ${need.why}`),
    `install with: sudo apt-get install -y ${missing.map((need) => need.pkg).join(' ')}`,
    'the unit and nodes tiers do not need them (npm run test:unit, npm run test:nodes).',
  ];
  console.error(lines.join('\n'));
  files = files.filter((file) => tierOf.get(file) !== 'e2e');
  status = 1;
}

const isRevert = (file) => file.endsWith('.revert.spec.js');
const runs = [
  { flags: [], files: files.filter((file) => !isRevert(file)) },
  { flags: revertFlags(), files: files.filter(isRevert) },
];
/** Runs one invocation, echoing its output, and returns its exit status and its pass / fail counts. */
function runTests(args) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk) => {
      process.stdout.write(chunk);
      output += chunk.toString('utf8');
    });
    child.on('close', (code) => {
      const count = (name) => Number(output.match(new RegExp(`^\\S+ ${name} (\\d+)$`, 'm'))?.[1] ?? 0);
      resolve({ status: code ?? 1, passed: count('pass'), failed: count('fail') });
    });
  });
}

let passed = 0;
let failed = 0;
for (const run of runs) {
  if (run.files.length === 0) continue;
  const args = [...run.flags, '--enable-source-maps', '--test', '--test-concurrency=1', '--test-reporter=spec', ...run.files];
  const result = await runTests(args);
  if (result.status !== 0) status = result.status;
  passed += result.passed;
  failed += result.failed;
}
// Two invocations print two summaries; this line is the total of both.
const skippedTier = missing.length > 0 ? `; the e2e tier did not run (missing: ${missing.map((need) => need.pkg).join(', ')})` : '';
console.log(`\ntotal: ${passed} passed, ${failed} failed${skippedTier}`);
process.exit(status);
