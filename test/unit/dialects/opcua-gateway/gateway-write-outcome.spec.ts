import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { StatusCodes } from 'node-opcua';
import { startOpcuaTestServer } from '../../../support/opcua-test-server';
import { waitFor } from '../../../support/wait';
import { startGateway, type GatewayFixture } from './gateway-fixture';

const held = { IdType: '1', Id: 'Held', Namespace: '1' };
const setpoint = { IdType: '1', Id: 'Setpoint', Namespace: '1' };
const status = (code: { value: number }): string => String(code.value >>> 0);

describe('opcua-gateway: a write is sent once, and its answer says whether it may have happened', { timeout: 120_000 }, () => {
  let gateway: GatewayFixture;
  before(async () => { gateway = await startGateway(); });
  after(async () => { await gateway.stop(); });

  it('regression: a Write on the wire when the server goes away answers BadTimeout, and nothing is sent again after the restart', async () => {
    const client = await gateway.open();
    const { sessionId } = await client.login({ DiscoveryUrl: gateway.opcua.endpointUrl });
    const pending = client.request('GW_WriteRequest', { NodesToWrite: [{ NodeId: held, Value: { Value: { Type: '11', Body: '1' } } }] }, sessionId, 30_000);
    await waitFor(() => gateway.opcua.heldWrites === 1, 'the write taken by the server');
    const port = gateway.opcua.port;
    await gateway.opcua.stop();
    const answer = await pending;
    assert.equal(answer.Header.StatusCode, status(StatusCodes.BadTimeout), 'sent and unanswered: the server may have executed it');

    const meanwhile = await client.request('GW_WriteRequest', { NodesToWrite: [{ NodeId: setpoint, Value: { Value: { Type: '11', Body: '42' } } }] }, sessionId);
    assert.equal(meanwhile.Header.StatusCode, status(StatusCodes.BadSessionClosed), 'not sent while disconnected');

    gateway.opcua = await startOpcuaTestServer({ port });
    await client.next((message) => message.Header.MessageType === 'GW_SessionStatusNotify' && JSON.stringify(message.Body) === '{"SessionStatus":"Connect"}', 60_000);
    const written = await client.request('GW_WriteRequest', { NodesToWrite: [{ NodeId: setpoint, Value: { Value: { Type: '11', Body: '43' } } }] }, sessionId);
    assert.deepEqual((written.Body as { Results: string[] }).Results, ['0']);
    assert.deepEqual(gateway.opcua.writes, [{ name: 'Setpoint', value: 43 }], 'neither earlier write reached the restarted server');
  });
});
