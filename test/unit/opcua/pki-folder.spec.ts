import assert from 'node:assert/strict';
import fs = require('node:fs');
import os = require('node:os');
import path = require('node:path');
import { after, beforeEach, describe, it } from 'node:test';
import { adoptEarlierPki, earlierPkiFolders, sharedPkiFolder } from '../../../lib/opcua';
import { createOpcuaGatewayDialect } from '../../../lib/dialects/opcua-gateway';
import { GatewayEndpoint } from '../../../lib/server';
import { TagSpace } from '../../../lib/tags';

function write(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
}

const read = (file: string): string => fs.readFileSync(file, 'utf8');

describe('the OPC UA PKI folder under the user directory', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ws-gateway-pki-folder-'));
  let userDir: string;
  let runs = 0;
  beforeEach(() => {
    userDir = path.join(root, `user-${++runs}`);
    fs.mkdirSync(userDir);
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('is <userDir>/ws-gateway/pki, and the earlier folders are the node\'s and the gateway\'s', () => {
    assert.equal(sharedPkiFolder(userDir), path.join(userDir, 'ws-gateway', 'pki'));
    assert.deepEqual(earlierPkiFolders(userDir), [path.join(userDir, 'ws-gateway-opcua', 'pki'), path.join(userDir, 'ws-gateway-pki', 'opcua-gateway')]);
  });

  it('takes the node\'s own certificate and the trusted, rejected and issuer lists of both earlier folders, once', () => {
    const [node, gateway] = earlierPkiFolders(userDir);
    write(path.join(node, 'own', 'certs', 'client_certificate.pem'), 'node certificate');
    write(path.join(node, 'own', 'private', 'private_key.pem'), 'node key');
    write(path.join(node, 'trusted', 'certs', 'plc.pem'), 'plc');
    write(path.join(gateway, 'own', 'certs', 'client_certificate.pem'), 'gateway certificate');
    write(path.join(gateway, 'trusted', 'certs', 'scada.pem'), 'scada');
    write(path.join(gateway, 'trusted', 'certs', 'plc.pem'), 'plc as the gateway saw it');
    write(path.join(gateway, 'rejected', 'stranger.pem'), 'stranger');
    write(path.join(gateway, 'issuers', 'certs', 'ca.pem'), 'ca');
    const folder = sharedPkiFolder(userDir);

    assert.deepEqual(adoptEarlierPki(folder, [node, gateway]), [node, gateway]);
    assert.equal(read(path.join(folder, 'own', 'certs', 'client_certificate.pem')), 'node certificate', 'the node\'s identity, which its servers trust');
    assert.equal(read(path.join(folder, 'own', 'private', 'private_key.pem')), 'node key');
    assert.deepEqual(fs.readdirSync(path.join(folder, 'trusted', 'certs')).sort(), ['plc.pem', 'scada.pem']);
    assert.equal(read(path.join(folder, 'trusted', 'certs', 'plc.pem')), 'plc', 'a certificate in both is taken once, from the first');
    assert.equal(read(path.join(folder, 'rejected', 'stranger.pem')), 'stranger');
    assert.equal(read(path.join(folder, 'issuers', 'certs', 'ca.pem')), 'ca');
    assert.ok(fs.existsSync(path.join(gateway, 'own', 'certs', 'client_certificate.pem')), 'the earlier folders are left as they were');
    assert.deepEqual(fs.readdirSync(path.dirname(folder)), ['pki'], 'no half-made copy left beside it');

    write(path.join(gateway, 'trusted', 'certs', 'later.pem'), 'later');
    assert.deepEqual(adoptEarlierPki(folder, [node, gateway]), [], 'an existing folder is never touched again');
    assert.equal(fs.existsSync(path.join(folder, 'trusted', 'certs', 'later.pem')), false);
  });

  it('takes the gateway\'s own certificate when the node never made one, and does nothing without earlier folders', () => {
    const [node, gateway] = earlierPkiFolders(userDir);
    const folder = sharedPkiFolder(userDir);
    assert.deepEqual(adoptEarlierPki(folder, [node, gateway]), []);
    assert.equal(fs.existsSync(folder), false, 'a new installation starts empty (node-opcua makes the certificate)');

    write(path.join(gateway, 'own', 'certs', 'client_certificate.pem'), 'gateway certificate');
    assert.deepEqual(adoptEarlierPki(folder, [node, gateway]), [gateway]);
    assert.equal(read(path.join(folder, 'own', 'certs', 'client_certificate.pem')), 'gateway certificate');
  });

  it('the opcua-gateway dialect refuses to start without a PKI folder instead of choosing a temporary one', () => {
    assert.throws(() => new GatewayEndpoint({
      id: 'no-pki', listen: { kind: 'port', host: '127.0.0.1', port: 0 }, dialect: createOpcuaGatewayDialect, dialectOptions: { gatewayEndpoints: 'opc.tcp://127.0.0.1:4840' },
    }, new TagSpace()), /needs a PKI folder/);
  });
});
