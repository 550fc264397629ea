import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startGateway } from './gateway-fixture';

describe('opcua-gateway: sessions per connection are limited', () => {
  it('answers a login past gatewayMaxSessions with BadTooManySessions', async () => {
    const gateway = await startGateway([], { gatewayMaxSessions: 2 });
    try {
      const client = await gateway.open();
      await client.login({ DiscoveryUrl: gateway.opcua.endpointUrl });
      await client.login({ DiscoveryUrl: gateway.opcua.endpointUrl });
      const third = await client.request('GW_LoginRequest', { DiscoveryUrl: gateway.opcua.endpointUrl });
      assert.equal(third.Header.StatusCode, '2153119744', 'BadTooManySessions');
      const other = await gateway.open();
      assert.equal((await other.login({ DiscoveryUrl: gateway.opcua.endpointUrl })).status, 'Connect', 'the limit is per connection');
    } finally {
      await gateway.stop();
    }
  });
});

describe('opcua-gateway: writes and frames past the memory bounds', () => {
  const setpoint = { IdType: '1', Id: 'Setpoint', Namespace: '1' };
  const BadEncodingLimitsExceeded = '2148007936';
  const BadOutOfRange = '2151415808';

  it('regression: refuses a write value over maxValueBytes or of 1e400, and a frame nested too deeply, before the server sees them', async () => {
    const gateway = await startGateway();
    try {
      const client = await gateway.open();
      const { sessionId } = await client.login({ DiscoveryUrl: gateway.opcua.endpointUrl });
      const write = (value: unknown) => client.request('GW_WriteRequest', { NodesToWrite: [{ NodeId: setpoint, AttributeId: '13', Value: { Value: value } }] }, sessionId);
      assert.equal((await write({ Type: '11', Body: '12.5' })).Header.StatusCode, '0');
      const big = await write({ Type: '12', Body: 'x'.repeat(300 * 1024) });
      assert.equal(big.Header.StatusCode, BadEncodingLimitsExceeded);
      assert.match(String(big.Header.Reason), /larger than the limit of 262144 bytes/);
      assert.equal(big.Body, undefined);
      const raw = (handle: string, body: string): void => {
        client.socket.send(`{"Header":{"MessageType":"GW_WriteRequest","ClientHandle":"${handle}","SessionId":"${sessionId}"},"Body":${body}}`);
      };
      raw('inf', `{"NodesToWrite":[{"NodeId":${JSON.stringify(setpoint)},"AttributeId":"13","Value":{"Value":{"Type":"11","Body":1e400}}}]}`);
      assert.equal((await client.next((message) => message.Header.ClientHandle === 'inf')).Header.StatusCode, BadOutOfRange);
      raw('deep', `{"NodesToWrite":${'['.repeat(100_000)}${']'.repeat(100_000)}}`);
      const deep = await client.next((message) => message.Header.ClientHandle === 'deep');
      assert.equal(deep.Header.StatusCode, BadEncodingLimitsExceeded);
      assert.equal(deep.Header.MessageType, 'GW_WriteResponse');
      const back = await client.request('GW_ReadRequest', { NodesToRead: [{ NodeId: setpoint }] }, sessionId);
      assert.deepEqual((back.Body as { Results: Array<{ Value: unknown }> }).Results[0].Value, { Type: '11', Body: '12.5' }, 'nothing else was written; the connection still serves');
    } finally {
      await gateway.stop();
    }
  });
});
