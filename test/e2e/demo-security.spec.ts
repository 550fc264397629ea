import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminToken, demoAdmin, startDemo, type RunningDemo } from '../support/demo';
import { freePort } from '../support/ports';
import { refusedStatus, TestClient } from '../support/ws-client';

const EVIL = 'http://evil.example';

/**
 * Regression: the demo's admin API answered any page with "Access-Control-Allow-Origin: *" and needed no
 * login, so a page of another site open in a local browser could deploy a flow (run code); its WebSockets
 * accepted any Origin.
 */
describe('npm start is safe by default', () => {
  let demo: RunningDemo;
  let base: string;
  let admin: { username: string; password: string };

  before(async () => {
    demo = await startDemo({
      env: { DEMO_MODBUS_PORT: String(await freePort()), DEMO_OPCUA: '0' },
      ready: async (port) => (await fetch(`http://127.0.0.1:${port}/auth/login`)).status === 200,
    });
    base = `http://127.0.0.1:${demo.httpPort}`;
    admin = await demoAdmin();
  });

  after(async () => { await demo?.stop(); });

  it('asks for a login: GET /flows is 401 without a token and 200 with the demo login\'s token', async () => {
    const login = await (await fetch(`${base}/auth/login`)).json() as { type?: string };
    assert.equal(login.type, 'credentials');
    assert.equal((await fetch(`${base}/flows`)).status, 401);
    const token = await adminToken(demo.httpPort);
    const flows = await fetch(`${base}/flows`, { headers: { Authorization: `Bearer ${token}` } });
    assert.equal(flows.status, 200);
    assert.ok(Array.isArray(await flows.json()));
    const wrong = await fetch(`${base}/auth/token`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'node-red-admin', grant_type: 'password', scope: '*', username: admin.username, password: 'guess' }),
    });
    assert.equal(wrong.status, 403);
  });

  it('answers another site\'s preflight with 403 and no CORS header (Node-RED 4.1 alone would allow "*")', async () => {
    const preflight = await fetch(`${base}/flows`, {
      method: 'OPTIONS',
      headers: { Origin: EVIL, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    assert.equal(preflight.status, 403);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    assert.equal(preflight.headers.get('access-control-allow-methods'), null);
  });

  it('refuses another site\'s page its admin requests (403, no Access-Control-Allow-Origin): no token, no deploy', async () => {
    // The login form is a "simple" request (no preflight): the answer must not be readable by that page.
    const token = await fetch(`${base}/auth/token`, {
      method: 'POST',
      headers: { Origin: EVIL, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'node-red-admin', grant_type: 'password', scope: '*', username: admin.username, password: admin.password }),
    });
    assert.equal(token.status, 403);
    assert.equal(token.headers.get('access-control-allow-origin'), null);
    const deploy = await fetch(`${base}/flows`, {
      method: 'POST',
      headers: { Origin: EVIL, Authorization: `Bearer ${await adminToken(demo.httpPort)}`, 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full' },
      body: '[]',
    });
    assert.equal(deploy.status, 403);
    assert.equal(deploy.headers.get('access-control-allow-origin'), null);
    // The editor's own pages still work.
    const own = await fetch(`${base}/flows`, { headers: { Origin: base, Authorization: `Bearer ${await adminToken(demo.httpPort)}` } });
    assert.equal(own.status, 200);
  });

  it('refuses WebSockets from another site\'s page (403) and admits the editor\'s origins and clients without Origin', async () => {
    const url = `ws://127.0.0.1:${demo.httpPort}/echo`;
    assert.equal(await refusedStatus(url, { origin: EVIL }), 403);
    for (const origin of [base, `http://localhost:${demo.httpPort}`, undefined]) {
      const client = await TestClient.open(url, origin === undefined ? {} : { origin });
      client.send('probe');
      assert.equal(await client.nextText(), 'probe');
      await client.close();
    }
  });
});
