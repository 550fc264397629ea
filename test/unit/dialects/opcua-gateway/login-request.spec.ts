import assert from 'node:assert/strict';
import crypto = require('node:crypto');
import { readFileSync } from 'node:fs';
import path = require('node:path');
import { describe, it } from 'node:test';
import { MessageSecurityMode, SecurityPolicy, StatusCodes, UserTokenType, type UserIdentityInfoX509 } from 'node-opcua';
import { AllowedEndpoints } from '../../../../lib/dialects/opcua-gateway/allowed-endpoints';
import { decodeLogin } from '../../../../lib/dialects/opcua-gateway/login-request';
import { refusal } from './login-refusal';

const fixtures = path.join(__dirname, '..', '..', '..', '..', '..', 'test', 'fixtures', 'tls');
const url = 'opc.tcp://127.0.0.1:4840';

describe('opcua-gateway: allowed endpoints (decision 12)', () => {
  it('matches URLs from a comma or newline separated list, with * wildcards, case-insensitive host, any trailing slash', () => {
    const allowed = AllowedEndpoints.parse('opc.tcp://127.0.0.1:4840\nopc.tcp://plc-*.plant:4840/ua , opc.tcp://Server:48010');
    assert.equal(allowed.allows('opc.tcp://127.0.0.1:4840/'), true);
    assert.equal(allowed.allows('opc.tcp://PLC-7.plant:4840/ua'), true);
    assert.equal(allowed.allows('opc.tcp://server:48010'), true);
    assert.equal(allowed.allows('opc.tcp://127.0.0.1:4841'), false);
    assert.equal(allowed.allows('opc.tcp://127.0.0.1:48400'), false);
    assert.equal(allowed.allows('opc.tcp://evil/x?opc.tcp://127.0.0.1:4840'), false);
  });

  it('allows nothing when nothing is configured (no open relay)', () => {
    assert.equal(AllowedEndpoints.parse('').allows(url), false);
    assert.equal(AllowedEndpoints.parse(undefined).allows(url), false);
  });
});

describe('opcua-gateway: GW_LoginRequest bodies', () => {
  it('defaults to security None and an anonymous identity', () => {
    const login = decodeLogin({ DiscoveryUrl: url });
    assert.equal(login.securityMode, MessageSecurityMode.None);
    assert.equal(login.securityPolicy, SecurityPolicy.None);
    assert.deepEqual(login.userIdentity, { type: UserTokenType.Anonymous });
    assert.equal(login.withSession, true);
    assert.equal(decodeLogin({ DiscoveryUrl: url, SessionMode: 'SecureChannel' }).withSession, false);
  });

  it('selects the token by UserAuth.Type, else by a PolicyId naming a token type; an unknown Type is anonymous as in ASNeG', () => {
    assert.deepEqual(decodeLogin({ DiscoveryUrl: url, UserAuth: { Type: 'UserName', UserName: 'user1', Password: 'password1', PolicyId: 'username_basic256' } }).userIdentity,
      { type: UserTokenType.UserName, userName: 'user1', password: 'password1' });
    assert.deepEqual(decodeLogin({ DiscoveryUrl: url, UserAuth: { PolicyId: 'UserName', UserName: 'u', Password: 'p' } }).userIdentity,
      { type: UserTokenType.UserName, userName: 'u', password: 'p' });
    assert.deepEqual(decodeLogin({ DiscoveryUrl: url, UserAuth: { Type: 'Kerberos' } }).userIdentity, { type: UserTokenType.Anonymous });
    assert.equal(refusal({ DiscoveryUrl: url, UserAuth: { Type: 'Issued', TokenData: 'x' } }).status, StatusCodes.BadIdentityTokenInvalid);
  });

  it('accepts a certificate identity as hex DER (ASNeG), base64 DER or PEM, with the key in any of those forms', () => {
    const certificatePem = readFileSync(path.join(fixtures, 'cert.pem'), 'utf8');
    const keyPem = readFileSync(path.join(fixtures, 'key.pem'), 'utf8');
    const der = new crypto.X509Certificate(certificatePem).raw;
    const keyDer = crypto.createPrivateKey(keyPem).export({ type: 'pkcs1', format: 'der' });
    for (const [certificate, key] of [[der.toString('hex'), keyDer.toString('hex')], [der.toString('base64'), keyPem], [certificatePem, keyDer.toString('base64')]]) {
      const identity = decodeLogin({ DiscoveryUrl: url, UserAuth: { Type: 'Certificate', Certificate: certificate, PrivateKey: key } }).userIdentity as UserIdentityInfoX509;
      assert.equal(identity.type, UserTokenType.Certificate);
      assert.deepEqual(identity.certificateData, der);
      assert.match(String(identity.privateKey), /BEGIN PRIVATE KEY/);
    }
    assert.equal(refusal({ DiscoveryUrl: url, UserAuth: { Type: 'Certificate', Certificate: 'abcd', PrivateKey: keyPem } }).status, StatusCodes.BadInvalidArgument);
    assert.equal(refusal({ DiscoveryUrl: url, UserAuth: { Type: 'Certificate', Certificate: der.toString('hex'), PrivateKey: 'abcd' } }).status, StatusCodes.BadInvalidArgument);
  });

  it('refuses what ASNeG refuses with BadInvalidArgument', () => {
    for (const body of [
      'x', {}, { DiscoveryUrl: 'http://127.0.0.1:4840' }, { DiscoveryUrl: url, SecurityPolicyUri: 'Basic256' },
      { DiscoveryUrl: url, SecurityMode: 'Invalid' }, { DiscoveryUrl: url, SessionMode: 'Other' },
      { DiscoveryUrl: url, SecurityMode: 'None', SecurityPolicyUri: SecurityPolicy.Basic256Sha256 },
      { DiscoveryUrl: url, SecurityMode: 'Sign' },
      { DiscoveryUrl: url, UserAuth: 'user1' }, { DiscoveryUrl: url, UserAuth: { Type: 'UserName', Password: 'p' } },
    ]) {
      assert.equal(refusal(body).status, StatusCodes.BadInvalidArgument, JSON.stringify(body));
    }
  });
});
