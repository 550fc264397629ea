import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { unreachableReason } from '../../../lib/opcua/unreachable';

describe('OPC UA: the reason a server cannot be reached', () => {
  it('takes the socket error out of node-opcua\'s connect failure', () => {
    const refused = 'The connection cannot be established with server opc.tcp://127.0.0.1:4841 .\nPlease check that the server is up and running or your network configuration.\nErr = (connect ECONNREFUSED 127.0.0.1:4841)';
    assert.equal(unreachableReason(refused), 'connect ECONNREFUSED 127.0.0.1:4841');
    const unknownHost = 'The connection cannot be established with server opc.tcp://plc.invalid:4840 .\nErr = (getaddrinfo ENOTFOUND plc.invalid)';
    assert.equal(unreachableReason(unknownHost), 'getaddrinfo ENOTFOUND plc.invalid');
  });

  it('is undefined for a server that was reached and refused us (those are "failed", not "unreachable")', () => {
    assert.equal(unreachableReason('serviceResult = BadUserAccessDenied (0x801f0000)'), undefined);
    assert.equal(unreachableReason('BadCertificateUntrusted'), undefined);
  });
});
