import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SecurityPolicy, StatusCodes, UserTokenType } from 'node-opcua';
import { AllowedEndpoints } from '../../../../lib/dialects/opcua-gateway/allowed-endpoints';
import { decodeLogin } from '../../../../lib/dialects/opcua-gateway/login-request';
import { refusal } from './login-refusal';
import { asnegTree } from '../../../../lib/dialects/opcua-server/asneg-text';
import { GatewayEndpoint } from '../../../../lib/server';
import { TagSpace } from '../../../../lib/tags';
import { PatternError } from '../../../../lib/util/glob-matcher';
import { createOpcuaGatewayDialect } from '../../../../lib/dialects/opcua-gateway';

/** Names that are members of every plain object: as field values they are just unknown names. */
const prototypeKeys = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'];
const url = 'opc.tcp://127.0.0.1:4840';

describe('opcua dialects: client text is plain data', () => {
  it('regression: a prototype name as SecurityMode is an unknown mode (constructor passed beside a signing policy)', () => {
    for (const key of prototypeKeys) {
      for (const policy of [SecurityPolicy.None, SecurityPolicy.Basic256Sha256]) {
        const error = refusal({ DiscoveryUrl: url, SecurityMode: key, SecurityPolicyUri: policy });
        assert.equal(error.message, `SecurityMode "${key}" is not None, Sign or SignAndEncrypt`, `${key} with ${policy}`);
        assert.equal(error.status, StatusCodes.BadInvalidArgument);
      }
      assert.deepEqual(decodeLogin({ DiscoveryUrl: url, UserAuth: { Type: key } }).userIdentity, { type: UserTokenType.Anonymous }, 'an unknown token type, as any other');
    }
  });

  it('an allowed-endpoints entry over the pattern limits stops the gateway dialect at start', () => {
    assert.throws(() => AllowedEndpoints.parse(`opc.tcp://${'a'.repeat(2000)}:4840`), PatternError);
    assert.throws(() => new GatewayEndpoint({
      id: 'limits', listen: { kind: 'port', host: '127.0.0.1', port: 0 }, dialect: createOpcuaGatewayDialect,
      dialectOptions: { gatewayEndpoints: `opc.tcp://${'*'.repeat(1025)}` },
    }, new TagSpace()), /pattern of 1035 characters \(at most 1024\)/);
  });

  it('normalises hostile endpoint URLs (the quadratic RegExp cases) to the same answers', () => {
    const allowed = AllowedEndpoints.parse('opc.tcp://plc-*.plant:4840/ua');
    assert.equal(allowed.allows(`opc.tcp://${'a'.repeat(50_000)}/\n/`), false);
    assert.equal(allowed.allows(`opc.tcp://plc-1.plant:4840/ua${'/'.repeat(50_000)}`), true);
    assert.equal(allowed.allows(`opc.tcp://plc-1.plant:4840/ua${'/'.repeat(50_000)}x`), false);
  });

  it('regression: ASNeG MetaData keeps a __proto__ key as data instead of swapping the prototype', () => {
    const metadata = JSON.parse('{"__proto__": {"polluted": "yes"}, "constructor": 1, "unit": "bar"}') as unknown;
    const tree = asnegTree(metadata) as Record<string, unknown>;
    assert.deepEqual(Object.keys(tree), ['__proto__', 'constructor', 'unit']);
    assert.equal(JSON.stringify(tree), '{"__proto__":{"polluted":"yes"},"constructor":"1","unit":"bar"}');
    assert.equal((tree as { polluted?: string }).polluted, undefined);
  });
});
