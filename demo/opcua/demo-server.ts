import { createHash } from 'node:crypto';
import net = require('node:net');
import os = require('node:os');
import path = require('node:path');
import {
  DataType,
  DataValue,
  LocalizedText,
  MessageSecurityMode,
  NodeId,
  OPCUACertificateManager,
  OPCUAServer,
  QualifiedName,
  SecurityPolicy,
  StatusCodes,
  Variant,
  VariantArrayType,
  coerceExpandedNodeId,
  type IVariableHistorian,
  type Namespace,
  type UAObject,
  type UAVariable,
} from 'node-opcua';
import { addDemoMethod } from './demo-method';

export interface OpcuaDemoServerOptions {
  /** 0 picks a free port (tests). */
  port: number;
  /** Interface to listen on; loopback unless told otherwise. */
  host?: string;
  /** Folder of the server's own certificate and trust lists; a per-checkout folder under the temp dir by default. */
  pkiFolder?: string;
  /** The server's OperationLimits MaxNodesPerRead (tests of read splitting); unlimited by default. */
  maxNodesPerRead?: number;
  /** Secure channels and sessions at once (node-opcua's default is 10); a gateway with many logged-in clients needs more. */
  maxConnections?: number;
}

export interface RunningOpcuaDemoServer {
  endpointUrl: string;
  stop(): Promise<void>;
  server: OPCUAServer;
  /** Sessions open on the server right now (leak checks). */
  sessionCount(): number;
  /** Monitored items on the demo's own nodes in every subscription of every session (leak checks). */
  monitoredItemCount(): number;
}

/** Namespace URI of the demo variables; their NodeIds are `ns=1;s=<Name>`. */
export const DEMO_NAMESPACE_URI = 'urn:node-red-contrib-ws-gateway:opcua-demo';
export const DEMO_USERS: Readonly<Record<string, string>> = { user1: 'password1' };
/** Samples kept per historizing variable: a bit more than the hour that is back-filled at start. */
const HISTORY_SAMPLES = 4000;
const BACKFILL_SECONDS = 3600;

/**
 * The embedded OPC UA server of the demo and of the tests: a namespace with a variable of every built-in
 * type, arrays, a writable Setpoint, values changing every second with an hour of history, a method and an
 * event source. Security None and every signed / encrypted policy node-opcua offers; user1 and anonymous.
 */
export async function startOpcuaDemoServer(options: OpcuaDemoServerOptions): Promise<RunningOpcuaDemoServer> {
  const host = options.host ?? '127.0.0.1';
  // node-opcua builds its endpoint descriptions from the configured port, so port 0 is resolved first.
  const port = options.port === 0 ? await freePort(host) : options.port;
  const pkiFolder = options.pkiFolder ?? defaultPkiFolder();
  const serverCertificateManager = new OPCUACertificateManager({
    rootFolder: path.join(pkiFolder, 'server'),
    // A demo accepts every client certificate, so secure channels work without a trust step.
    automaticallyAcceptUnknownCertificate: true,
    disableFileWatchers: true,
  });
  const userCertificateManager = new OPCUACertificateManager({
    rootFolder: path.join(pkiFolder, 'user'),
    automaticallyAcceptUnknownCertificate: true,
    disableFileWatchers: true,
  });
  const server = new OPCUAServer({
    port,
    host,
    hostname: host,
    serverCertificateManager,
    userCertificateManager,
    securityPolicies: [
      SecurityPolicy.None,
      SecurityPolicy.Basic128Rsa15,
      SecurityPolicy.Basic256,
      SecurityPolicy.Basic256Sha256,
      SecurityPolicy.Aes128_Sha256_RsaOaep,
      SecurityPolicy.Aes256_Sha256_RsaPss,
    ],
    securityModes: [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt],
    allowAnonymous: true,
    userManager: { isValidUser: (user: string, password: string) => DEMO_USERS[user] === password },
    disableDiscovery: true,
    maxConnectionsPerEndpoint: options.maxConnections ?? 100,
    serverCapabilities: {
      maxSessions: options.maxConnections ?? 100,
      ...(options.maxNodesPerRead ? { operationLimits: { maxNodesPerRead: options.maxNodesPerRead } } : {}),
    },
    buildInfo: { productName: 'ws-gateway OPC UA demo', manufacturerName: 'node-red-contrib-ws-gateway' },
    serverInfo: { applicationUri: `urn:${host}:ws-gateway-opcua-demo`, productUri: 'ws-gateway-opcua-demo' },
  });
  await server.initialize();
  const stopNamespace = populate(server);
  await server.start();
  const endpointUrl = `opc.tcp://${host}:${port}`;
  let stopped = false;
  return {
    endpointUrl,
    server,
    sessionCount: () => server.engine.currentSessionCount,
    // Items on the demo's own nodes: a client's watch of the server's ServerStatus (namespace 0) is not counted.
    monitoredItemCount: () => server.engine.getSessions()
      .flatMap((session) => session.publishEngine.subscriptions)
      .flatMap((subscription) => Array.from(subscription.getMonitoredItems().serverHandles, (handle) => subscription.getMonitoredItem(handle)))
      .filter((item) => item?.node && item.node.nodeId.namespace !== 0).length,
    async stop() {
      if (stopped) return;
      stopped = true;
      stopNamespace();
      await server.shutdown(0);
      await serverCertificateManager.dispose();
      await userCertificateManager.dispose();
    },
  };
}

/** One folder per checkout, so parallel checkouts never race on creating the same key pair. */
function defaultPkiFolder(): string {
  const checkout = createHash('sha1').update(__dirname).digest('hex').slice(0, 10);
  return path.join(os.tmpdir(), `ws-gateway-opcua-demo-${checkout}`, 'pki');
}

async function freePort(host: string): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve, reject) => {
    probe.once('error', reject);
    probe.listen(0, host, resolve);
  });
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (!address || typeof address !== 'object') throw new Error('could not find a free port');
  return address.port;
}

interface ScalarSpec {
  name: string;
  dataType: DataType;
  value: unknown;
}

/** Every built-in type with a value that shows it off; all writable. */
const SCALARS: ScalarSpec[] = [
  { name: 'Boolean', dataType: DataType.Boolean, value: true },
  { name: 'SByte', dataType: DataType.SByte, value: -12 },
  { name: 'Byte', dataType: DataType.Byte, value: 200 },
  { name: 'Int16', dataType: DataType.Int16, value: -1234 },
  { name: 'UInt16', dataType: DataType.UInt16, value: 54321 },
  { name: 'Int32', dataType: DataType.Int32, value: 555 },
  { name: 'UInt32', dataType: DataType.UInt32, value: 4000000000 },
  { name: 'Int64', dataType: DataType.Int64, value: [0x7fffffff, 0xffffffff] },
  { name: 'UInt64', dataType: DataType.UInt64, value: [1, 0] },
  { name: 'Float', dataType: DataType.Float, value: 3.5 },
  { name: 'Double', dataType: DataType.Double, value: 3.14159265 },
  { name: 'String', dataType: DataType.String, value: 'Hello OPC UA' },
  { name: 'DateTime', dataType: DataType.DateTime, value: new Date(Date.UTC(2020, 2, 5, 7, 44, 17)) },
  { name: 'Guid', dataType: DataType.Guid, value: '72962B91-FA75-4AE6-8D28-B404DC7DAF63' },
  { name: 'ByteString', dataType: DataType.ByteString, value: Buffer.from('ws-gateway') },
  { name: 'XmlElement', dataType: DataType.XmlElement, value: '<a>1</a>' },
  { name: 'NodeId', dataType: DataType.NodeId, value: new NodeId(NodeId.NodeIdType.NUMERIC, 2256, 0) },
  { name: 'ExpandedNodeId', dataType: DataType.ExpandedNodeId, value: coerceExpandedNodeId('ns=1;s=Double') },
  { name: 'StatusCode', dataType: DataType.StatusCode, value: StatusCodes.Good },
  { name: 'QualifiedName', dataType: DataType.QualifiedName, value: new QualifiedName({ name: 'Demo', namespaceIndex: 1 }) },
  { name: 'LocalizedText', dataType: DataType.LocalizedText, value: new LocalizedText({ locale: 'en', text: 'Hello' }) },
];

const ARRAYS: ScalarSpec[] = [
  { name: 'BooleanArray', dataType: DataType.Boolean, value: [true, false, true] },
  { name: 'ByteArray', dataType: DataType.Byte, value: [1, 2, 3, 4] },
  { name: 'Int32Array', dataType: DataType.Int32, value: [1, -2, 3] },
  { name: 'DoubleArray', dataType: DataType.Double, value: [2109210.5, 2109211.5, 2109220.25] },
  { name: 'StringArray', dataType: DataType.String, value: ['alpha', 'beta', 'gamma'] },
];

/** Builds the demo namespace; returns what stops its timers. */
function populate(server: OPCUAServer): () => void {
  const addressSpace = server.engine.addressSpace;
  if (!addressSpace) throw new Error('the OPC UA server has no address space');
  const namespace = addressSpace.registerNamespace(DEMO_NAMESPACE_URI);
  const demo = namespace.addFolder(addressSpace.rootFolder.objects, { browseName: 'Demo', nodeId: 's=Demo' });
  const scalars = namespace.addFolder(demo, { browseName: 'Scalars', nodeId: 's=Demo.Scalars' });
  for (const spec of SCALARS) addWritable(namespace, scalars, spec, VariantArrayType.Scalar);
  const arrays = namespace.addFolder(demo, { browseName: 'Arrays', nodeId: 's=Demo.Arrays' });
  for (const spec of ARRAYS) addWritable(namespace, arrays, spec, VariantArrayType.Array);
  addWritable(namespace, demo, { name: 'Setpoint', dataType: DataType.Double, value: 21.5 }, VariantArrayType.Scalar);

  const dynamic = namespace.addFolder(demo, { browseName: 'Dynamic', nodeId: 's=Demo.Dynamic' });
  const started = Date.now();
  let counter = 0;
  let walk = 50;
  const sine = (time: number): number => Math.round(Math.sin((2 * Math.PI * time) / 60000) * 1e6) / 1e6;
  const signals: Array<{ node: UAVariable; dataType: DataType; next(time: number): number }> = [
    { node: addSignal(namespace, dynamic, 'Sine', DataType.Double), dataType: DataType.Double, next: sine },
    { node: addSignal(namespace, dynamic, 'Counter', DataType.UInt32), dataType: DataType.UInt32, next: () => counter++ },
    { node: addSignal(namespace, dynamic, 'RandomWalk', DataType.Double), dataType: DataType.Double, next: () => (walk = Math.round((walk + (Math.random() - 0.5) * 2) * 1000) / 1000) },
  ];
  for (const signal of signals) {
    addressSpace.installHistoricalDataNode(signal.node, { maxOnlineValues: HISTORY_SAMPLES });
    backfill(signal.node, signal.dataType, started, signal.next);
  }
  const tick = (): void => {
    const now = new Date();
    for (const signal of signals) {
      signal.node.setValueFromSource(new Variant({ dataType: signal.dataType, value: signal.next(now.getTime()) }), StatusCodes.Good, now);
    }
  };
  tick();
  const timer = setInterval(tick, 1000);

  addDemoMethod(namespace, demo);
  const stopEvents = addEventSource(namespace, demo, addressSpace.rootFolder.objects.server);
  return () => {
    clearInterval(timer);
    stopEvents();
  };
}

function addWritable(namespace: Namespace, parent: UAObject, spec: ScalarSpec, arrayType: VariantArrayType): UAVariable {
  return namespace.addVariable({
    componentOf: parent,
    browseName: spec.name,
    nodeId: `s=${spec.name}`,
    dataType: spec.dataType,
    valueRank: arrayType === VariantArrayType.Array ? 1 : -1,
    accessLevel: 'CurrentRead | CurrentWrite',
    userAccessLevel: 'CurrentRead | CurrentWrite',
    minimumSamplingInterval: 100,
    value: new Variant({ dataType: spec.dataType, arrayType, value: spec.value }),
  });
}

function addSignal(namespace: Namespace, parent: UAObject, name: string, dataType: DataType): UAVariable {
  return namespace.addVariable({
    componentOf: parent,
    browseName: name,
    nodeId: `s=${name}`,
    dataType,
    accessLevel: 'CurrentRead',
    userAccessLevel: 'CurrentRead',
    minimumSamplingInterval: 100,
    // No value yet (BadWaitingForInitialData): the historian then starts empty and takes the back-fill in order.
  });
}

/** An hour of one-second samples, so history reads have something to show right after start. */
function backfill(node: UAVariable, dataType: DataType, now: number, next: (time: number) => number): void {
  const historian = (node as UAVariable & { varHistorian?: IVariableHistorian }).varHistorian;
  if (!historian) return;
  for (let second = BACKFILL_SECONDS; second > 0; second--) {
    const time = new Date(now - second * 1000);
    void historian.push(new DataValue({
      value: new Variant({ dataType, value: next(time.getTime()) }),
      sourceTimestamp: time,
      serverTimestamp: time,
      statusCode: StatusCodes.Good,
    }));
  }
}

/** An object that raises a BaseEvent every five seconds (and reports it to the Server object). */
function addEventSource(namespace: Namespace, parent: UAObject, serverObject: UAObject): () => void {
  const machine = namespace.addObject({ componentOf: parent, browseName: 'Machine', nodeId: 's=Machine', eventNotifier: 1, notifierOf: serverObject });
  let sequence = 0;
  const timer = setInterval(() => {
    sequence++;
    machine.raiseEvent('BaseEventType', {
      message: { dataType: DataType.LocalizedText, value: { text: `Machine event ${sequence}` } },
      severity: { dataType: DataType.UInt16, value: sequence % 2 === 0 ? 500 : 100 },
    });
  }, 5000);
  return () => clearInterval(timer);
}
