import path = require('node:path');
import type { DemoSimulator, RunningSimulator } from '../simulator';
import { startOpcuaDemoServer } from '../opcua/demo-server';
import { RSA15_FLAG, rsa15Available } from '../../lib/opcua';

const DEFAULT_PORT = 4840;

/** The demo OPC UA server on 127.0.0.1:4840 (DEMO_OPCUA_PORT changes the port, DEMO_OPCUA=0 turns it off). */
const simulator: DemoSimulator = {
  name: 'OPC UA demo server',
  envSwitch: 'DEMO_OPCUA',
  async start(): Promise<RunningSimulator> {
    const configured = process.env.DEMO_OPCUA_PORT;
    const port = configured === undefined || configured.trim() === '' ? DEFAULT_PORT : Number(configured);
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`DEMO_OPCUA_PORT must be a port number, got "${configured}"`);
    // dist/demo/simulators -> demo/opcua/pki in the checkout (git-ignored), so the certificate survives restarts.
    const pkiFolder = path.resolve(__dirname, '..', '..', '..', 'demo', 'opcua', 'pki');
    const running = await startOpcuaDemoServer({ port, host: '127.0.0.1', pkiFolder });
    // Measured, not read from the flags: Node 22 and later decrypt PKCS#1 v1.5 without the revert flag.
    const rsa15 = rsa15Available();
    return {
      describe: `${running.endpointUrl} (users user1/password1 and anonymous${rsa15 ? '' : `; Basic128Rsa15 off: start node with ${RSA15_FLAG}`})`,
      stop: () => running.stop(),
    };
  },
};

export default simulator;
