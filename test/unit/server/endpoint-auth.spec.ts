import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import net = require('node:net');
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { basicAuth, refusedStatus, TestClient } from '../../support/ws-client';
import { endpointPool } from './endpoint-fixture';

const { start: endpoint, closeAll } = endpointPool();

describe('endpoint authentication and admission', () => {
  after(closeAll);

  it('accepts anyone without authentication', async () => {
    const { url } = await endpoint();
    const client = await TestClient.open(url);
    await client.close();
  });

  it('checks a user list from Basic auth and from ?username=&password=', async () => {
    const fixture = await endpoint({ auth: { kind: 'users', users: new Map([['demo', 'demo'], ['op', 's3cret:with:colons']]) } });
    const basic = await TestClient.open(fixture.url, { headers: basicAuth('op', 's3cret:with:colons') });
    const query = await TestClient.open(`${fixture.url}?username=demo&password=demo`);
    const users = fixture.deliveries.filter((delivery) => delivery.hook === 'CONNECT').map((delivery) => delivery.session.user);
    assert.deepEqual(users, ['op', 'demo']);
    await basic.close();
    await query.close();
    assert.equal(await refusedStatus(fixture.url, { headers: basicAuth('demo', 'wrong') }), 401);
    assert.equal(await refusedStatus(`${fixture.url}?username=demo&password=wrong`), 401);
    assert.equal(await refusedStatus(`${fixture.url}?username=nobody&password=demo`), 401);
    assert.equal(await refusedStatus(fixture.url), 401);
  });

  it('never writes presented credentials or query strings to the log', async () => {
    const fixture = await endpoint({ auth: { kind: 'users', users: new Map([['demo', 'demo']]) } });
    await refusedStatus(`${fixture.url}?username=demo&password=hunter2`);
    const client = await TestClient.open(`${fixture.url}?username=demo&password=demo`);
    client.send(Buffer.alloc(0));
    await client.close();
    assert.equal(fixture.warnings.some((line) => line.includes('hunter2') || line.includes('password=')), false);
  });

  it('checks a bearer token from the Authorization header or ?token=', async () => {
    const fixture = await endpoint({ auth: { kind: 'token', token: 'tok-123' } });
    await (await TestClient.open(fixture.url, { headers: { Authorization: 'Bearer tok-123' } })).close();
    await (await TestClient.open(`${fixture.url}?token=tok-123`)).close();
    assert.equal(await refusedStatus(fixture.url, { headers: { Authorization: 'Bearer nope' } }), 401);
    assert.equal(await refusedStatus(fixture.url), 401);
  });

  it('answers a refused upgrade with the bare status and no body', async () => {
    const fixture = await endpoint({ auth: { kind: 'token', token: 't' } });
    const socket = net.connect(fixture.port, '127.0.0.1');
    socket.write('GET /?token=wrong HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    await new Promise((resolve) => socket.once('close', resolve));
    const response = Buffer.concat(chunks).toString('latin1');
    assert.match(response, /^HTTP\/1\.1 401 Unauthorized\r\n/);
    assert.match(response, /Content-Length: 0\r\n\r\n$/);
    assert.doesNotMatch(response, /token|WWW-Authenticate/i);
  });

  it('honours webSocketNodeVerifyClient in its sync and callback forms', async () => {
    const sync = await endpoint({ verifyClient: (info) => info.req.headers['x-plant'] === 'A' });
    await (await TestClient.open(sync.url, { headers: { 'x-plant': 'A' } })).close();
    assert.equal(await refusedStatus(sync.url, { headers: { 'x-plant': 'B' } }), 401);
    const callback = await endpoint({ verifyClient: (info, done) => { setTimeout(() => done?.(info.req.headers['x-plant'] === 'A'), 5); } });
    await (await TestClient.open(callback.url, { headers: { 'x-plant': 'A' } })).close();
    assert.equal(await refusedStatus(callback.url), 401);
  });

  it('allows only listed origins to browsers and lets clients without Origin (no browsers) pass on to authentication', async () => {
    const fixture = await endpoint({ origins: ['http://hmi.local'] });
    await (await TestClient.open(fixture.url, { origin: 'http://hmi.local' })).close();
    assert.equal(await refusedStatus(fixture.url, { origin: 'http://evil.example' }), 403);
    assert.equal(await refusedStatus(fixture.url, { origin: 'null' }), 403, 'sandboxed pages and file:// send "null"');
    // Changed: a client without Origin used to be refused, which kept out no browser and broke scripts.
    await (await TestClient.open(fixture.url)).close();
    const guarded = await endpoint({ origins: ['http://hmi.local'], auth: { kind: 'token', token: 't0ken' } });
    assert.equal(await refusedStatus(guarded.url), 401);
  });

  it('refuses clients past the limit with 503 and admits again when one leaves', async () => {
    const fixture = await endpoint({ limits: { maxClients: 2 } });
    const first = await TestClient.open(fixture.url);
    const second = await TestClient.open(fixture.url);
    assert.equal(await refusedStatus(fixture.url), 503);
    await first.close();
    const third = await TestClient.open(fixture.url);
    await second.close();
    await third.close();
  });

  it('echoes an offered subprotocol the endpoint accepts, and no other', async () => {
    const fixture = await endpoint({ subprotocols: ['json.v1'] });
    const client = await TestClient.open(fixture.url, { protocols: ['other', 'json.v1'] });
    assert.equal(client.ws.protocol, 'json.v1');
    assert.equal(fixture.deliveries.find((delivery) => delivery.hook === 'CONNECT')?.session.protocol, 'json.v1');
    await client.close();
    const plain = await TestClient.open(fixture.url);
    assert.equal(plain.ws.protocol, '');
    await plain.close();
    await assert.rejects(TestClient.open(fixture.url, { protocols: ['unknown'] }), /no subprotocol/i);
  });

  it('serves TLS on its own port from a certificate and key', async () => {
    const dir = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'tls');
    const fixture = await endpoint({ listen: { kind: 'port', host: '127.0.0.1', port: 0, tls: { cert: readFileSync(join(dir, 'cert.pem')), key: readFileSync(join(dir, 'key.pem')) } } });
    assert.match(fixture.url, /^wss:/);
    const client = await TestClient.open(fixture.url, { ca: readFileSync(join(dir, 'cert.pem')) });
    client.send('{"hello":1}');
    await client.close();
    assert.deepEqual(fixture.deliveries.find((delivery) => delivery.hook === 'MESSAGE')?.payload, { hello: 1 });
  });
});
