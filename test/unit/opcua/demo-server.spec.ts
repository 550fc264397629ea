import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  AttributeIds, DataType, HistoryReadRequest, MessageSecurityMode, OPCUAClient, ReadRawModifiedDetails, SecurityPolicy,
  StatusCodes, TimestampsToReturn, UserTokenType, Variant, type ClientSession,
} from 'node-opcua';
import { startOpcuaDemoServer, type RunningOpcuaDemoServer } from '../../../demo/opcua/demo-server';

/** The demo namespace is the first one the server registers after its own (index 2). */
const ns = 'ns=2;s=';

describe('OPC UA demo server', { timeout: 60_000 }, () => {
  let demo: RunningOpcuaDemoServer;
  let client: OPCUAClient;
  let session: ClientSession;

  before(async () => {
    demo = await startOpcuaDemoServer({ port: 0 });
    client = OPCUAClient.create({
      endpointMustExist: false,
      securityMode: MessageSecurityMode.SignAndEncrypt,
      securityPolicy: SecurityPolicy.Basic256Sha256,
      connectionStrategy: { maxRetry: 0 },
    });
    await client.connect(demo.endpointUrl);
    session = await client.createSession({ type: UserTokenType.UserName, userName: 'user1', password: 'password1' });
  });
  after(async () => {
    await session?.close();
    await client?.disconnect();
    await demo?.stop();
  });

  it('listens on an ephemeral loopback port and offers None plus every signed and encrypted policy', async () => {
    assert.match(demo.endpointUrl, /^opc\.tcp:\/\/127\.0\.0\.1:\d+$/);
    const endpoints = await client.getEndpoints();
    const policies = new Set(endpoints.map((endpoint) => endpoint.securityPolicyUri));
    for (const policy of [SecurityPolicy.None, SecurityPolicy.Basic128Rsa15, SecurityPolicy.Basic256, SecurityPolicy.Basic256Sha256, SecurityPolicy.Aes128_Sha256_RsaOaep, SecurityPolicy.Aes256_Sha256_RsaPss]) {
      assert.ok(policies.has(policy), `offers ${policy}`);
    }
    const modes = new Set(endpoints.map((endpoint) => endpoint.securityMode));
    assert.deepEqual([...modes].sort(), [MessageSecurityMode.None, MessageSecurityMode.Sign, MessageSecurityMode.SignAndEncrypt].sort());
  });

  it('serves a variable of every built-in type and arrays, user1 logged in over SignAndEncrypt', async () => {
    const names = ['Boolean', 'SByte', 'Byte', 'Int16', 'UInt16', 'Int32', 'UInt32', 'Int64', 'UInt64', 'Float', 'Double', 'String', 'DateTime', 'Guid',
      'ByteString', 'XmlElement', 'NodeId', 'ExpandedNodeId', 'StatusCode', 'QualifiedName', 'LocalizedText'];
    const values = await session.read(names.map((name) => ({ nodeId: `${ns}${name}`, attributeId: AttributeIds.Value })));
    values.forEach((value, index) => {
      assert.equal(value.statusCode.value, StatusCodes.Good.value, names[index]);
      assert.equal(DataType[value.value.dataType], names[index]);
    });
    const [array] = await session.read([{ nodeId: `${ns}DoubleArray`, attributeId: AttributeIds.Value }]);
    assert.deepEqual([...(array.value.value as Float64Array)], [2109210.5, 2109211.5, 2109220.25]);
  });

  it('takes a write of Setpoint and calls Multiply', async () => {
    const status = await session.write({ nodeId: `${ns}Setpoint`, attributeId: AttributeIds.Value, value: { value: new Variant({ dataType: DataType.Double, value: 42.25 }) } });
    assert.equal(status.value, StatusCodes.Good.value);
    const [setpoint] = await session.read([{ nodeId: `${ns}Setpoint`, attributeId: AttributeIds.Value }]);
    assert.equal(setpoint.value.value, 42.25);
    const result = await session.call({
      objectId: `${ns}Demo`, methodId: `${ns}Multiply`,
      inputArguments: [new Variant({ dataType: DataType.Double, value: 6 }), new Variant({ dataType: DataType.Double, value: 7 })],
    });
    assert.equal(result.statusCode.value, StatusCodes.Good.value);
    assert.equal(result.outputArguments?.[0].value, 42);
  });

  it('keeps an hour of one-second samples of the changing values', async () => {
    const now = Date.now();
    const response = await session.historyRead(new HistoryReadRequest({
      historyReadDetails: new ReadRawModifiedDetails({ startTime: new Date(now - 3600_000), endTime: new Date(now), numValuesPerNode: 0, returnBounds: false }),
      nodesToRead: [{ nodeId: `${ns}Sine` }, { nodeId: `${ns}Counter` }, { nodeId: `${ns}RandomWalk` }],
      timestampsToReturn: TimestampsToReturn.Source,
    }));
    for (const result of response.results ?? []) {
      assert.equal(result.statusCode.value, StatusCodes.Good.value);
      const samples = (result.historyData as { dataValues?: unknown[] }).dataValues ?? [];
      assert.ok(samples.length >= 3590, `about 3600 samples, got ${samples.length}`);
    }
  });
});
