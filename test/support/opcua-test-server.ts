import os = require('node:os');
import path = require('node:path');
import { freePort } from './ports';
import { addPreciseVariables } from './opcua-precise-values';
import { DataType, DataValue, MessageSecurityMode, OPCUACertificateManager, OPCUAServer, resolveNodeId, SecurityPolicy, StatusCodes, Variant, type StatusCode, type UAObject } from 'node-opcua';

export interface OpcuaTestServer {
  endpointUrl: string;
  port: number;
  server: OPCUAServer;
  /** Raises a BaseEventType event on the `Demo` object (ns=1;s=Demo), the event source of the tests. */
  raiseEvent(message: string): void;
  /** Every value written to Setpoint or Held on this server (since it started), oldest first. */
  writes: Array<{ name: 'Setpoint' | 'Held'; value: number }>;
  /** Writes to Held taken but never answered: a write that is on the wire when the server goes away. */
  readonly heldWrites: number;
  stop(): Promise<void>;
}

const lackingLimits = [
  'MaxNodesPerMethodCall', 'MaxNodesPerRegisterNodes', 'MaxNodesPerNodeManagement', 'MaxNodesPerHistoryReadData',
  'MaxNodesPerHistoryReadEvents', 'MaxNodesPerHistoryUpdateData', 'MaxNodesPerHistoryUpdateEvents', 'MaxNodesPerTranslateBrowsePathsToNodeIds',
];

/** Where the test server keeps its own certificate; shared by every test run, so it is made only once. */
export const testServerPkiFolder = path.join(os.tmpdir(), 'ws-gateway-opcua-gateway-tests', 'server-pki');

/** Samples the historizing variable ns=1;s=History holds from the start: 1, 2, 3, one second apart. */
export const historySamples = [1, 2, 3];
export const historyStart = new Date('2024-01-01T00:00:00Z');

/**
 * A small node-opcua server for the gateway tests (the demo server of `npm start` has more): namespace 1
 * holds `Demo` (an object and event source) with a writable Double `Setpoint`, a read-only Int32
 * `Counter`, a historizing Double `History`, a method `Add(a, b) -> sum`; beside Demo a Double `Held`
 * (ns=1;s=Held) whose writes are taken (and logged) but never answered; and, in an object `Field`,
 * values with timestamps below the millisecond as open62541 serves them (`Precise`, `Types.<built-in
 * type>`, see opcua-precise-values.ts). Users user1/password1 and
 * anonymous; security None and Basic128Rsa15/Basic256Sha256 with Sign and SignAndEncrypt. Port 0 picks
 * a free port; the same port can be given again to restart "the same" server. `lackingOperationLimits`
 * removes eight OperationLimits nodes, as open62541 lacks them.
 */
export async function startOpcuaTestServer(options: { port: number; lackingOperationLimits?: boolean }): Promise<OpcuaTestServer> {
  const port = options.port === 0 ? await freePort() : options.port;
  const serverCertificateManager = new OPCUACertificateManager({ rootFolder: testServerPkiFolder, automaticallyAcceptUnknownCertificate: true });
  // Trusts any user certificate, so tests can log in with an X.509 identity.
  const userCertificateManager = new OPCUACertificateManager({ rootFolder: path.join(testServerPkiFolder, 'users'), automaticallyAcceptUnknownCertificate: true });
  const server = new OPCUAServer({
    port,
    host: '127.0.0.1',
    hostname: '127.0.0.1',
    serverCertificateManager,
    userCertificateManager,
    securityPolicies: [SecurityPolicy.None, SecurityPolicy.Basic128Rsa15, SecurityPolicy.Basic256Sha256],
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
    allowAnonymous: true,
    userManager: { isValidUser: (userName: string, password: string) => userName === 'user1' && password === 'password1' },
    serverInfo: { applicationUri: 'urn:ws-gateway:opcua-gateway-test-server', productUri: 'ws-gateway-test' },
    buildInfo: { productName: 'ws-gateway test server', buildNumber: '1' },
  });
  await server.initialize();
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error('the test server has no address space');
  const namespace = addressSpace.getOwnNamespace();
  if (options.lackingOperationLimits) {
    // As open62541 1.3: eight of the twelve OperationLimits node-opcua reads after a reconnect are missing.
    for (const name of lackingLimits) {
      const node = addressSpace.findNode(resolveNodeId(`Server_ServerCapabilities_OperationLimits_${name}`));
      if (node) addressSpace.deleteNode(node);
    }
  }
  const demo = namespace.addObject({ nodeId: 's=Demo', browseName: 'Demo', organizedBy: addressSpace.rootFolder.objects, eventNotifier: 1 });
  let setpoint = 20.5;
  const writes: OpcuaTestServer['writes'] = [];
  let heldWrites = 0;
  namespace.addVariable({
    componentOf: demo, nodeId: 's=Setpoint', browseName: 'Setpoint', dataType: 'Double', minimumSamplingInterval: 50,
    value: {
      get: () => new Variant({ dataType: DataType.Double, value: setpoint }),
      set: (variant: Variant) => {
        if (variant.dataType !== DataType.Double) return StatusCodes.BadTypeMismatch;
        setpoint = Number(variant.value);
        writes.push({ name: 'Setpoint', value: setpoint });
        return StatusCodes.Good;
      },
    },
  });
  namespace.addVariable({
    // In the Objects folder, not under Demo: the browse tests list Demo's children.
    organizedBy: addressSpace.rootFolder.objects, nodeId: 's=Held', browseName: 'Held', dataType: 'Double', minimumSamplingInterval: 1000,
    value: {
      get: () => new Variant({ dataType: DataType.Double, value: 0 }),
      // Two parameters: node-opcua waits for the callback, which never comes.
      set: (variant: Variant, _callback: (error: Error | null, status?: StatusCode) => void) => {
        writes.push({ name: 'Held', value: Number(variant.value) });
        heldWrites++;
      },
    },
  });
  namespace.addVariable({ componentOf: demo, nodeId: 's=Counter', browseName: 'Counter', dataType: 'Int32', accessLevel: 'CurrentRead', userAccessLevel: 'CurrentRead', value: { dataType: DataType.Int32, value: 7 } });
  const history = namespace.addVariable({ componentOf: demo, nodeId: 's=History', browseName: 'History', dataType: 'Double', historizing: true });
  addressSpace.installHistoricalDataNode(history, { maxOnlineValues: 100 });
  historySamples.forEach((value, index) => {
    const time = new Date(historyStart.getTime() + index * 1000);
    history.setValueFromSource({ dataType: DataType.Double, value }, StatusCodes.Good, time);
  });
  // Beside Demo, not in it: tests that browse Demo see its own children only.
  await addPreciseVariables(namespace, namespace.addObject({ nodeId: 's=Field', browseName: 'Field', organizedBy: addressSpace.rootFolder.objects }));
  const add = namespace.addMethod(demo, {
    nodeId: 's=Add', browseName: 'Add',
    inputArguments: [{ name: 'a', dataType: DataType.Double }, { name: 'b', dataType: DataType.Double }],
    outputArguments: [{ name: 'sum', dataType: DataType.Double }],
  });
  // node-opcua tells async methods from callback ones by their parameter count: keep the unused context.
  add.bindMethod(async (inputArguments: Variant[], _context: unknown) => ({
    statusCode: StatusCodes.Good,
    outputArguments: [{ dataType: DataType.Double, value: Number(inputArguments[0].value) + Number(inputArguments[1].value) }],
  }));
  await server.start();
  return {
    endpointUrl: `opc.tcp://127.0.0.1:${port}`,
    port,
    server,
    writes,
    get heldWrites() {
      return heldWrites;
    },
    raiseEvent(message: string) {
      (demo as UAObject).raiseEvent('BaseEventType', { message: { dataType: DataType.LocalizedText, value: { text: message } }, severity: { dataType: DataType.UInt16, value: 500 } });
    },
    async stop() {
      await server.shutdown(0);
      await serverCertificateManager.dispose();
      await userCertificateManager.dispose();
    },
  };
}

/** A DataValue as the test server's history holds it, for assertions. */
export function historyValue(index: number): DataValue {
  return new DataValue({ value: { dataType: DataType.Double, value: historySamples[index] }, sourceTimestamp: new Date(historyStart.getTime() + index * 1000) });
}
