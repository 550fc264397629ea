import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { OpcuaEndpoint, type OpcuaConnection, type OpcuaConnectionState, type OpcuaEndpointOptions, type OpcuaVariable } from '../../lib/opcua';
import { startOpcuaDemoServer, type OpcuaDemoServerOptions, type RunningOpcuaDemoServer } from '../../demo/opcua/demo-server';
import { waitFor } from './wait';

export { startOpcuaDemoServer, type RunningOpcuaDemoServer };

/** The demo namespace by URI, as a variable list should name it. */
export const DEMO_NS = 'nsu=urn:node-red-contrib-ws-gateway:opcua-demo;s=';

/** A client PKI folder for one test file, removed by the caller. */
export function tempPki(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'ws-gateway-opcua-test-'));
}

export function demoVariables(): OpcuaVariable[] {
  return [
    { name: 'Boolean', nodeId: `${DEMO_NS}Boolean` },
    { name: 'Int32', nodeId: `${DEMO_NS}Int32` },
    { name: 'Int64', nodeId: `${DEMO_NS}Int64` },
    { name: 'Double', nodeId: `${DEMO_NS}Double` },
    { name: 'String', nodeId: `${DEMO_NS}String` },
    { name: 'ByteArray', nodeId: `${DEMO_NS}ByteArray`, metadata: { unit: 'count', limits: { low: '0', high: '255' } } },
    { name: 'Setpoint', nodeId: `${DEMO_NS}Setpoint`, samplingInterval: 100 },
    { name: 'Sine', nodeId: `${DEMO_NS}Sine`, writable: false },
    { name: 'Counter', nodeId: `${DEMO_NS}Counter`, samplingInterval: 100 },
    { name: 'Missing', nodeId: `${DEMO_NS}DoesNotExist` },
  ];
}

export function endpointFor(server: { endpointUrl: string }, pkiFolder: string, overrides: Partial<OpcuaEndpointOptions> = {}): OpcuaEndpoint {
  return new OpcuaEndpoint({
    id: 'test', endpointUrl: server.endpointUrl, securityMode: 'None', securityPolicy: 'None', identity: { kind: 'anonymous' },
    pkiFolder, acceptUnknownServerCertificate: true, variables: demoVariables(), reconnectInitialDelayMs: 200, reconnectMaxDelayMs: 1000,
    ...overrides,
  });
}

export async function waitForState(connection: OpcuaConnection, state: OpcuaConnectionState, timeoutMs = 15000): Promise<void> {
  await waitFor(() => connection.state === state, `OPC UA connection ${state} (is ${connection.state}: ${connection.stateDetail})`, timeoutMs);
}

export async function startDemo(options: Partial<OpcuaDemoServerOptions> = {}): Promise<RunningOpcuaDemoServer> {
  return startOpcuaDemoServer({ port: 0, ...options });
}
