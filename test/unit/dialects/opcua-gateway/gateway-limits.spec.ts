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
