import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import https = require('node:https');
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import WebSocket = require('ws');
import { GatewayEndpoint } from '../../../lib/server';
import { TagSpace } from '../../../lib/tags';
import { waitFor } from '../../support/wait';
import { TestClient } from '../../support/ws-client';
import { createRawDialect } from '../../../lib/dialects/raw';

const tlsDir = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'tls');
const cert = readFileSync(join(tlsDir, 'cert.pem'));

/** An HTTPS server standing in for Node-RED running with its `https` setting. */
describe('endpoints on a path of a shared HTTPS server', () => {
  let server: https.Server;
  let base: string;
  let upgradeListenersBefore: number;
  /** Another upgrade user of the same server (Node-RED's editor comms, core WebSocket nodes). */
  const other = new WebSocket.Server({ noServer: true });

  before(async () => {
    server = https.createServer({ cert, key: readFileSync(join(tlsDir, 'key.pem')) });
    server.on('upgrade', (request, socket, head) => {
      if (request.url === '/comms') other.handleUpgrade(request, socket, head, (ws) => ws.send('comms'));
    });
    upgradeListenersBefore = server.listenerCount('upgrade');
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `wss://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    other.close();
    await new Promise((resolve) => server.close(resolve));
  });

  function endpointAt(path: string): GatewayEndpoint {
    return new GatewayEndpoint({ id: path, listen: { kind: 'path', server, path }, dialect: createRawDialect }, new TagSpace());
  }

  it('serves several paths over TLS, leaves other paths to their owners, and removes its listener on close', async () => {
    const a = endpointAt('/a');
    const b = endpointAt('/b/');
    await a.start();
    await b.start();
    assert.equal(server.listenerCount('upgrade'), upgradeListenersBefore + 1, 'one listener for all endpoints');
    const clientA = await TestClient.open(`${base}/a`, { ca: cert });
    const clientB = await TestClient.open(`${base}/b`, { ca: cert });
    const comms = await TestClient.open(`${base}/comms`, { ca: cert });
    assert.equal(await comms.nextText(), 'comms', 'an upgrade for another path reaches its own listener');
    await waitFor(() => a.clientCount === 1 && b.clientCount === 1, 'one client each');
    await a.close();
    assert.equal((await clientA.closed).code, 1001);
    assert.equal(clientB.ws.readyState, WebSocket.OPEN, 'closing /a leaves /b alone');
    await b.close();
    await clientB.closed;
    assert.equal(server.listenerCount('upgrade'), upgradeListenersBefore, 'no listener left behind');
    await comms.close();
  });

  it('refuses a path that another endpoint serves, and frees it on close', async () => {
    const first = endpointAt('/same');
    await first.start();
    await assert.rejects(endpointAt('/same').start(), /already served/);
    await first.close();
    const second = endpointAt('/same');
    await second.start();
    await second.close();
  });

  it('leaves upgrades of unserved paths to others (no answer from us)', async () => {
    const endpoint = endpointAt('/served');
    await endpoint.start();
    const socket = await new Promise<number | string>((resolve) => {
      const ws = new WebSocket(`${base}/elsewhere`, { ca: cert, handshakeTimeout: 300 });
      ws.once('error', (error) => resolve(error.message));
      ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    });
    assert.match(String(socket), /timed out|hang up/i, 'nobody answered the unserved path');
    const served = await TestClient.open(`${base}/served`, { ca: cert });
    assert.equal(served.ws.protocol, '');
    await served.close();
    await endpoint.close();
  });
});
