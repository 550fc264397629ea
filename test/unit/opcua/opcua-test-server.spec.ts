import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { AttributeIds, DataType, OPCUAClient, StatusCodes, type ClientSession } from 'node-opcua';
import { historySamples, historyStart, startOpcuaTestServer, type OpcuaTestServer } from '../../support/opcua-test-server';

describe('the OPC UA test server of the gateway tests', () => {
  let server: OpcuaTestServer;
  let client: OPCUAClient;
  let session: ClientSession;

  before(async () => {
    server = await startOpcuaTestServer({ port: 0 });
    client = OPCUAClient.create({ endpointMustExist: false, connectionStrategy: { maxRetry: 0 } });
    await client.connect(server.endpointUrl);
    session = await client.createSession();
  });
  after(async () => {
    await session.close();
    await client.disconnect();
    await server.stop();
  });

  it('serves a writable Double, a method and a historizing variable', async () => {
    assert.equal((await session.write({ nodeId: 'ns=1;s=Setpoint', attributeId: AttributeIds.Value, value: { value: { dataType: DataType.Double, value: 42 } } })).value, StatusCodes.Good.value);
    assert.equal((await session.read({ nodeId: 'ns=1;s=Setpoint', attributeId: AttributeIds.Value })).value.value, 42);
    const call = await session.call({ objectId: 'ns=1;s=Demo', methodId: 'ns=1;s=Add', inputArguments: [{ dataType: DataType.Double, value: 1 }, { dataType: DataType.Double, value: 2 }] });
    assert.equal(call.outputArguments?.[0].value, 3);
    const history = await session.readHistoryValue({ nodeId: 'ns=1;s=History' }, historyStart, new Date(historyStart.getTime() + 60_000));
    assert.deepEqual((history.historyData as unknown as { dataValues: Array<{ value: { value: number } }> }).dataValues.map((value) => value.value.value), historySamples);
  });
});
