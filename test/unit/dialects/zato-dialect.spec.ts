import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, it, mock } from 'node:test';
import { GatewayClient, InvokeStatusError } from '../../../lib/client';
import type { EndpointOptions, HookDelivery } from '../../../lib/server';
import { fastOptions } from '../client/client-fixture';
import { startEndpoint, type Fixture } from '../server/endpoint-fixture';
import { waitFor } from '../../support/wait';
import { TestClient } from '../../support/ws-client';
import { createZatoDialect } from '../../../lib/dialects/zato';

interface Frame {
  meta: Record<string, unknown>;
  data?: unknown;
}

const seedRequest = { elem1: 'value1', elem2: 'value2' };
let counter = 0;

/** A frame as the Python client writes it, by hand. */
function clientFrame(action: string, extra: Record<string, unknown> = {}, data?: unknown): Frame {
  const frame: Frame = {
    meta: { action, id: `hand.${++counter}`, timestamp: '2024-05-01T10:00:00.123456', token: null, client_id: 'wsx.out.12345678', client_name: 'by hand', ...extra },
  };
  if (data !== undefined) frame.data = data;
  return frame;
}

async function nextFrame(client: TestClient, timeoutMs = 3000): Promise<Frame> {
  return client.nextJson<Frame>(timeoutMs);
}

describe('zato dialect (the Zato channel side), with frames written by hand', () => {
  const fixtures: Fixture[] = [];
  const clients: TestClient[] = [];
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(fixtures.map((fixture) => fixture.endpoint.close()));
  });

  /** A zato endpoint whose flow (a handle hook) implements zato.helpers.echo, and optionally other services. */
  async function channel(options: Partial<EndpointOptions> = {}, services: Record<string, (delivery: HookDelivery) => void> = {}): Promise<Fixture> {
    const fixture = await startEndpoint({ dialect: createZatoDialect, ...options });
    fixtures.push(fixture);
    const endpoint = fixture.endpoint;
    endpoint.hooks.register({
      events: ['MESSAGE'],
      mode: 'handle',
      filter: { type: ['zato.helpers.echo', ...Object.keys(services)].join(',') },
      deliver: (delivery) => {
        const service = services[delivery.message?.type ?? ''];
        if (service) return service(delivery);
        endpoint.reply(delivery.session.id, delivery.payload, { handle: delivery.message?.handle });
      },
    });
    return fixture;
  }

  async function open(fixture: Fixture): Promise<TestClient> {
    const client = await TestClient.open(fixture.url);
    clients.push(client);
    return client;
  }

  async function session(client: TestClient, credentials: Record<string, unknown> = { username: null, secret: null }): Promise<string> {
    client.send(clientFrame('create-session', credentials, {}));
    const reply = await nextFrame(client);
    assert.equal(reply.meta.msg_type, 'zwsx.rspa');
    return (reply.data as { token: string }).token;
  }

  it('opens a session and routes invoke-service to the flow by service name; the reply is zwsx.rspok', async () => {
    const fixture = await channel({ auth: { kind: 'users', users: new Map([['api', 'pw']]) } });
    const client = await open(fixture);
    const create = clientFrame('create-session', { username: 'api', secret: 'pw' }, {});
    client.send(create);
    const created = await nextFrame(client);
    assert.equal(created.meta.status, 200);
    assert.equal(created.meta.in_reply_to, create.meta.id);
    assert.match(String(created.meta.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    const token = (created.data as { token: string }).token;
    assert.match(token, /^zwsxt\.[0-9a-f]+$/);

    const invoke = clientFrame('invoke-service', { token }, { service: 'zato.helpers.echo', request: seedRequest });
    client.send(invoke);
    const reply = await nextFrame(client);
    assert.deepEqual(reply.meta.msg_type, 'zwsx.rspok');
    assert.equal(reply.meta.status, 200);
    assert.equal(reply.meta.in_reply_to, invoke.meta.id);
    assert.deepEqual(reply.data, seedRequest);
    const message = fixture.deliveries.find((delivery) => delivery.hook === 'MESSAGE');
    assert.equal(message?.message?.type, 'zato.helpers.echo');
    assert.deepEqual(message?.payload, seedRequest);
    assert.equal(message?.message?.handle, invoke.meta.id);
  });

  it('answers zato.ping itself, a service no flow implements with 404, and a flow error status with zwsx.rsperr', async () => {
    const fixture = await channel({}, {
      'orders.create': (delivery) => fixture.endpoint.reply(delivery.session.id, null, { handle: delivery.message?.handle, status: 409, error: 'order exists' }),
    });
    const client = await open(fixture);
    const token = await session(client);
    client.send(clientFrame('invoke-service', { token }, { service: 'zato.ping' }));
    const pong = await nextFrame(client);
    assert.deepEqual(pong.data, { pong: 'zato' });
    client.send(clientFrame('invoke-service', { token }, { service: 'no.such.service', request: {} }));
    const missing = await nextFrame(client);
    assert.equal(missing.meta.msg_type, 'zwsx.rsperr');
    assert.equal(missing.meta.status, 404);
    client.send(clientFrame('invoke-service', { token }, { service: 'orders.create', request: {} }));
    const failed = await nextFrame(client);
    assert.equal(failed.meta.status, 409);
    assert.equal(failed.meta.error_message, 'order exists');
    assert.equal(typeof (failed.data as { cid: string }).cid, 'string');
    client.send(clientFrame('invoke-service', { token }, { request: 'no service' }));
    const bad = await nextFrame(client);
    assert.equal(bad.meta.status, 400);
  });

  it('refuses bad credentials with zwsx.merr and drops the socket without a close frame (1006)', async () => {
    const fixture = await channel({ auth: { kind: 'users', users: new Map([['api', 'pw']]) } });
    const client = await open(fixture);
    client.send(clientFrame('create-session', { username: 'api', secret: 'wrong' }, {}));
    const refused = await nextFrame(client);
    assert.equal(refused.meta.msg_type, 'zwsx.merr');
    assert.equal(refused.meta.status, 403);
    assert.equal(refused.meta.in_reply_to, undefined);
    assert.equal((await client.closed).code, 1006);
  });

  it('accepts the server token as the secret with token authentication', async () => {
    const fixture = await channel({ auth: { kind: 'token', token: 't0k3n' } });
    const good = await open(fixture);
    await session(good, { username: 'anyone', secret: 't0k3n' });
    const bad = await open(fixture);
    bad.send(clientFrame('create-session', { username: 'anyone', secret: 'nope' }, {}));
    assert.equal((await nextFrame(bad)).meta.msg_type, 'zwsx.merr');
    assert.equal((await bad.closed).code, 1006);
  });

  it('drops clients that invoke before a session, send a wrong token, or open no session in time', async () => {
    const fixture = await channel({ dialectOptions: { zatoSessionWaitSeconds: 0.2 } });
    const early = await open(fixture);
    early.send(clientFrame('invoke-service', {}, { service: 'zato.ping' }));
    assert.equal((await nextFrame(early)).meta.msg_type, 'zwsx.merr');
    assert.equal((await early.closed).code, 1006);

    const wrongToken = await open(fixture);
    await session(wrongToken);
    wrongToken.send(clientFrame('invoke-service', { token: 'zwsxt.forged' }, { service: 'zato.ping' }));
    assert.equal((await nextFrame(wrongToken)).meta.msg_type, 'zwsx.merr');
    assert.equal((await wrongToken.closed).code, 1006);

    const idle = await open(fixture);
    assert.equal((await nextFrame(idle, 2000)).meta.msg_type, 'zwsx.merr');
    assert.equal((await idle.closed).code, 1006);
    assert.equal(fixture.deliveries.filter((delivery) => delivery.hook === 'MESSAGE').length, 0, 'no flow saw an unauthorised request');
  });

  it('ignores frames that are not JSON or lack meta.id / meta.timestamp, and keeps the connection', async () => {
    const fixture = await channel();
    const client = await open(fixture);
    const token = await session(client);
    client.send('not json');
    client.send({ meta: { action: 'invoke-service', token }, data: { service: 'zato.ping' } });
    assert.equal(await client.silentFor(100), true);
    client.send(clientFrame('invoke-service', { token }, { service: 'zato.ping' }));
    assert.deepEqual((await nextFrame(client)).data, { pong: 'zato' });
  });

  it('expires tokens, and every answered ping extends them (fake clock and heartbeat)', async () => {
    // Date and the heartbeat's setInterval are fake: the token's age moves by ticks, the sockets are real.
    mock.timers.enable({ apis: ['Date', 'setInterval'], now: Date.now() });
    try {
      const expiring = await channel({ dialectOptions: { zatoTokenTtlSeconds: 60 }, limits: { pingIntervalMs: 0 } });
      const client = await open(expiring);
      const token = await session(client);
      mock.timers.tick(60_001);
      client.send(clientFrame('invoke-service', { token }, { service: 'zato.ping' }));
      assert.equal((await nextFrame(client)).meta.msg_type, 'zwsx.merr');

      const kept = await channel({ dialectOptions: { zatoTokenTtlSeconds: 60 }, limits: { pingIntervalMs: 50_000 } });
      const live = await open(kept);
      const pings: string[] = [];
      live.ws.on('ping', (data) => pings.push(data.toString('utf8')));
      const liveToken = await session(live);
      const pinged = once(live.ws, 'ping');
      mock.timers.tick(50_000); // the server pings; ws answers with a pong at once
      await pinged;
      // Frames are read in order: the answer to this invoke means the server has read the pong before it.
      live.send(clientFrame('invoke-service', { token: liveToken }, { service: 'zato.ping' }));
      assert.deepEqual((await nextFrame(live)).data, { pong: 'zato' });
      mock.timers.tick(40_000); // 90 s after create-session, 40 s after the pong
      live.send(clientFrame('invoke-service', { token: liveToken }, { service: 'zato.ping' }));
      assert.deepEqual((await nextFrame(live)).data, { pong: 'zato' }, 'the pong extended the token past its first 60 s');
      const ping = JSON.parse(pings[0]) as Frame;
      assert.equal(ping.meta.msg_type, 'zwsx.rqc');
      assert.ok(Buffer.byteLength(pings[0]) <= 125);
    } finally {
      mock.timers.reset();
    }
  });

  it('sends broadcasts as server requests (zwsx.rqc) and takes client-response frames quietly', async () => {
    const fixture = await channel();
    const client = await open(fixture);
    const token = await session(client);
    fixture.endpoint.broadcast({ notice: 'maintenance at 10:00' });
    const request = await nextFrame(client);
    assert.equal(request.meta.msg_type, 'zwsx.rqc');
    assert.deepEqual(request.data, { notice: 'maintenance at 10:00' });
    client.send(clientFrame('client-response', { token, in_reply_to: request.meta.id }, { response: null }));
    assert.equal(await client.silentFor(100), true);
    assert.equal(fixture.endpoint.clientCount, 1);
    // A reply that lost msg.gateway.handle cannot answer anything: sent as a request, with a warning.
    const sessionId = fixture.deliveries.find((delivery) => delivery.hook === 'CONNECT')?.session.id ?? '';
    fixture.endpoint.reply(sessionId, { orphan: true }, {});
    const orphan = await nextFrame(client);
    assert.equal(orphan.meta.msg_type, 'zwsx.rqc');
    assert.ok(fixture.warnings.some((text) => /without msg\.gateway\.handle/.test(text)));
  });
  it('regression: CONNECT fires after create-session, never for a refused client; CLOSE fires for every client (hook order as Zato 3.2)', async () => {
    const fixture = await channel({ auth: { kind: 'users', users: new Map([['api', 'pw']]) } });
    const refused = await open(fixture);
    await waitFor(() => fixture.endpoint.clientCount === 1, 'the first client accepted');
    refused.send(clientFrame('create-session', { username: 'api', secret: 'wrong' }, {}));
    assert.equal((await nextFrame(refused)).meta.msg_type, 'zwsx.merr');
    await waitFor(() => fixture.deliveries.some((delivery) => delivery.hook === 'CLOSE'), 'the CLOSE of the refused client');
    assert.deepEqual(fixture.deliveries.map((delivery) => delivery.hook), ['CLOSE'], 'a refused client: its CLOSE only (Zato calls its disconnect hook for every client)');

    fixture.deliveries.length = 0;
    const good = await open(fixture);
    await waitFor(() => fixture.endpoint.clientCount === 1, 'the second client accepted');
    assert.equal(fixture.deliveries.length, 0, 'no CONNECT before the session exists');
    const token = await session(good, { username: 'api', secret: 'pw' });
    await waitFor(() => fixture.deliveries.some((delivery) => delivery.hook === 'CONNECT'), 'CONNECT after create-session');
    good.send(clientFrame('invoke-service', { token }, { service: 'zato.helpers.echo', request: seedRequest }));
    assert.equal((await nextFrame(good)).meta.msg_type, 'zwsx.rspok');
    // A second create-session re-authenticates (new token) but is no second connection.
    const again = await session(good, { username: 'api', secret: 'pw', token });
    assert.notEqual(again, token);
    await good.close();
    await waitFor(() => fixture.deliveries.some((delivery) => delivery.hook === 'CLOSE'), 'CLOSE');
    assert.deepEqual(fixture.deliveries.map((delivery) => delivery.hook), ['CONNECT', 'MESSAGE', 'CLOSE']);
    assert.equal(new Set(fixture.deliveries.map((delivery) => delivery.session.id)).size, 1);
  });

  it('regression: client-response frames reach flows as MESSAGE events with in_reply_to (they were dropped)', async () => {
    const fixture = await channel();
    const client = await open(fixture);
    const token = await session(client);
    const sent = fixture.endpoint.broadcast({ question: 'tank level?' });
    assert.equal(sent, 1);
    const request = await nextFrame(client);
    assert.equal(request.meta.msg_type, 'zwsx.rqc');
    client.send(clientFrame('client-response', { token, in_reply_to: request.meta.id }, { response: { level: 71.5 } }));
    // Zato's own client leaves out action on its answers; the channel treats that as a client-response too.
    const bare = clientFrame('client-response', { token, in_reply_to: request.meta.id }, { response: null });
    delete bare.meta.action;
    client.send(bare);
    await waitFor(() => fixture.deliveries.filter((delivery) => delivery.message?.inReplyTo !== undefined).length === 2, 'two answers as MESSAGE events');
    const answers = fixture.deliveries.filter((delivery) => delivery.message?.inReplyTo !== undefined);
    assert.deepEqual(answers.map((delivery) => [delivery.hook, delivery.message?.type, delivery.message?.inReplyTo, delivery.payload]),
      [['MESSAGE', 'client-response', request.meta.id, { level: 71.5 }], ['MESSAGE', 'client-response', request.meta.id, null]]);
    // Nothing is answered to an answer, and the client stays.
    assert.equal(await client.silentFor(100), true);
    assert.equal(fixture.endpoint.clientCount, 1);
  });

  it('regression: with the default frame limit a 1 MiB document of non-ASCII text, escaped as Zato clients write it, goes through', async () => {
    const fixture = await channel();
    assert.equal(fixture.endpoint.limits.maxFrameBytes, 4 * 1024 * 1024);
    const client = await open(fixture);
    const token = await session(client);
    const text = 'ł'.repeat(512 * 1024); // 1 MiB in UTF-8
    // Python's json.dumps escapes every non-ASCII character: six bytes on the wire for each two.
    const frame = JSON.stringify(clientFrame('invoke-service', { token }, { service: 'zato.helpers.echo', request: { text } }))
      .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    assert.ok(Buffer.byteLength(frame) > 3 * 1024 * 1024, `${Buffer.byteLength(frame)} bytes on the wire`);
    client.send(frame);
    const reply = await nextFrame(client, 10_000);
    assert.equal(reply.meta.msg_type, 'zwsx.rspok');
    assert.equal((reply.data as { text: string }).text, text);
  });
});

describe('zato dialect with ws-gateway-client (library) as its client', () => {
  it('does the handshake, correlates concurrent invocations and reports error statuses', async () => {
    const fixture = await startEndpoint({ dialect: createZatoDialect, auth: { kind: 'users', users: new Map([['api', 'pw']]) } });
    const endpoint = fixture.endpoint;
    endpoint.hooks.register({
      events: ['MESSAGE'],
      mode: 'handle',
      filter: { type: 'slow.echo,fails' },
      deliver: (delivery) => {
        const handle = delivery.message?.handle;
        if (delivery.message?.type === 'fails') return endpoint.reply(delivery.session.id, null, { handle, status: 503, error: 'backend down' });
        const wait = (delivery.payload as { wait: number }).wait;
        setTimeout(() => endpoint.reply(delivery.session.id, delivery.payload, { handle }), wait);
      },
    });
    const client = new GatewayClient(fastOptions(fixture.url, { username: 'api', secret: 'pw' }));
    client.start();
    try {
      await waitFor(() => client.isReady, 'session');
      const waits = [60, 0, 30, 10];
      const replies = await Promise.all(waits.map((wait, index) => client.invoke({ service: 'slow.echo', request: { wait, index } })));
      assert.deepEqual(replies.map((reply) => reply.data), waits.map((wait, index) => ({ wait, index })));
      await assert.rejects(client.invoke({ service: 'fails', request: {} }), (error: unknown) =>
        error instanceof InvokeStatusError && error.status === 503 && error.reply.error_message === 'backend down');
      const pong = await client.invoke({ service: 'zato.ping' });
      assert.deepEqual(pong.data, { pong: 'zato' });
    } finally {
      await client.close();
      await endpoint.close();
    }
  });
});
