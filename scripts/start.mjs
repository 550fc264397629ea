#!/usr/bin/env node
// `npm start`: runs the demo (scripts/start-demo.mjs) with --security-revert=CVE-2023-46809 where this
// Node accepts it (Node 20, where the embedded OPC UA server and the seed's Basic128Rsa15 login need it)
// and without it on Node 22 and later, which decrypt RSA PKCS#1 v1.5 anyway and refuse to start with the
// flag. A flag cannot be added to a running process (nor through NODE_OPTIONS), so on Node 20 this
// starts a second Node process with it; otherwise the demo runs right here.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { relaunch } from './relaunch.mjs';
import { REVERT_FLAG, revertFlags } from './security-revert.mjs';

const demoScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'start-demo.mjs');
const flags = revertFlags().filter((flag) => !process.execArgv.includes(flag));

if (flags.length === 0) {
  const { runDemo } = await import('./start-demo.mjs');
  runDemo();
} else {
  console.log(`[demo] node ${REVERT_FLAG} (this Node needs it for OPC UA Basic128Rsa15)`);
  relaunch(demoScript, flags);
}
