/**
 * Run as its own process (`node [--security-revert=CVE-2023-46809] rsa15-probe.js`): starts the demo server,
 * logs in with SignAndEncrypt / Basic128Rsa15 as user1, reads one value and prints the outcome as JSON.
 */
import fs = require('node:fs');
import { endpointFor, startDemo, tempPki } from './opcua';
import { waitFor } from './wait';

async function probe(): Promise<void> {
  const demo = await startDemo();
  const pki = tempPki();
  const endpoint = endpointFor(demo, pki, { securityMode: 'SignAndEncrypt', securityPolicy: 'Basic128Rsa15', identity: { kind: 'username', userName: 'user1', password: 'password1' } });
  endpoint.start();
  let outcome: { state: string; detail: string; value?: unknown };
  try {
    await waitFor(() => endpoint.connection.state === 'connected' || endpoint.connection.state === 'failed', 'connected or failed', 20000);
    if (endpoint.connection.state === 'failed') throw new Error(endpoint.connection.stateDetail);
    const value = await endpoint.connection.read(endpoint.connection.nodeId('ns=2;s=Double'));
    outcome = { state: endpoint.connection.state, detail: '', value: value.value.value };
  } catch {
    outcome = { state: endpoint.connection.state, detail: endpoint.connection.stateDetail };
  }
  await endpoint.close();
  await demo.stop();
  fs.rmSync(pki, { recursive: true, force: true });
  process.stdout.write(`RESULT ${JSON.stringify(outcome)}\n`);
}

void probe();
