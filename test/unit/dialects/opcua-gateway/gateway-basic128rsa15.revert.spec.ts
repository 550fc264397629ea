import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pkcs1v15DecryptionAllowed } from '../../../../lib/dialects/opcua-gateway/security-revert';
import { policyUri } from '../../../support/gateway-client';
import { startGateway, type GatewayFixture } from './gateway-fixture';

// scripts/run-tests.mjs runs *.revert.spec files as `npm start` runs the demo: with
// --security-revert=CVE-2023-46809 where this Node accepts it (Node 20), without it on Node 22 and later,
// which decrypt RSA PKCS#1 v1.5 natively. Either way the seed's login must work.
describe('opcua-gateway run as npm start runs it: the seed\'s Basic128Rsa15 login', () => {
  let gateway: GatewayFixture;
  before(async () => { gateway = await startGateway(); });
  after(async () => { await gateway.stop(); });

  it('runs in a process that may decrypt RSA PKCS#1 v1.5', () => {
    assert.equal(pkcs1v15DecryptionAllowed(), true);
  });

  it('logs in with SignAndEncrypt / Basic128Rsa15 and user1 and gets the seed\'s answers', async () => {
    const client = await gateway.open();
    client.socket.send({
      Header: { MessageType: 'GW_LoginRequest', ClientHandle: 'client-handle' },
      Body: {
        DiscoveryUrl: gateway.opcua.endpointUrl,
        SecurityMode: 'SignAndEncrypt',
        SecurityPolicyUri: policyUri('Basic128Rsa15'),
        UserAuth: { Type: 'UserName', UserName: 'user1', Password: 'password1', SecurityPolicyUri: policyUri('Basic128Rsa15') },
      },
    });
    const response = await client.nextOfType('GW_LoginResponse');
    assert.deepEqual(response.Header, { MessageType: 'GW_LoginResponse', ClientHandle: 'client-handle', SessionId: '', StatusCode: '0' });
    const sessionId = (response.Body as { SessionId: string }).SessionId;
    const notify = await client.nextOfType('GW_SessionStatusNotify', sessionId, 20_000);
    assert.deepEqual(notify, { Header: { MessageType: 'GW_SessionStatusNotify', ClientHandle: 'client-handle', SessionId: sessionId }, Body: { SessionStatus: 'Connect' } });
    client.socket.send({ Header: { MessageType: 'GW_LogoutRequest', ClientHandle: 'client-handle', SessionId: sessionId }, Body: {} });
    const logout = await client.nextOfType('GW_LogoutResponse');
    assert.deepEqual(logout, { Header: { MessageType: 'GW_LogoutResponse', ClientHandle: 'client-handle', SessionId: sessionId, StatusCode: '0' }, Body: '' });
  });
});
