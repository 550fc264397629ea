import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { Backoff, ConnectionLostError, InvokeStatusError, InvokeTimeoutError, NotConnectedError } from '../../../lib/client';
import { waitFor } from '../../support/wait';
import { PeerServiceError, ZatoPeer, type PeerOptions } from '../../support/zato-peer';
import { fastOptions, RecordingClient } from './client-fixture';

const seedRequest = { elem1: 'value1', elem2: 'value2' };

describe('ws-gateway-client library, Zato mode, against an independent Zato channel peer', () => {
  const clients: RecordingClient[] = [];
  const peers: ZatoPeer[] = [];
  async function peer(options?: PeerOptions): Promise<ZatoPeer> {
    const started = await ZatoPeer.start(options);
    peers.push(started);
    return started;
  }
  function client(url: string, overrides: Parameters<typeof fastOptions>[1] = {}): RecordingClient {
    const recording = new RecordingClient(fastOptions(url, overrides));
    clients.push(recording);
    recording.client.start();
    return recording;
  }
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((recording) => recording.client.close()));
    await Promise.all(peers.splice(0).map((started) => started.stop()));
  });

  it('does the full handshake: create-session with credentials, token, then invoke-service carrying it', async () => {
    const zato = await peer({ users: { api: 'secret1' } });
    const c = client(zato.url, { username: 'api', secret: 'secret1' });
    await waitFor(() => c.client.isReady, 'session');
    assert.deepEqual(c.hooks(), ['connect']);
    const session = zato.frames[0];
    assert.equal(session.meta.action, 'create-session');
    assert.equal(session.meta.username, 'api');
    assert.equal(session.meta.secret, 'secret1');
    assert.equal(session.meta.token, null);
    assert.equal(session.meta.client_id, 'wsx.out.0badc0de');
    assert.equal(session.meta.client_name, 'WSX outconn - test');
    assert.match(String(session.meta.id), /^zwsxc\.auth\.[0-9a-f]+$/);
    assert.match(String(session.meta.timestamp), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/);
    assert.deepEqual(session.data, {});

    const reply = await c.client.invoke({ service: 'zato.helpers.echo', request: seedRequest });
    assert.deepEqual(reply.data, seedRequest);
    assert.equal(reply.status, 200);
    assert.equal(reply.is_ok, true);
    assert.equal(reply.msg_type, 'zwsx.rspok');
    const invoke = zato.frames[1];
    assert.equal(invoke.meta.action, 'invoke-service');
    assert.equal(invoke.meta.token, zato.connections[0].token);
    assert.equal(reply.in_reply_to, invoke.meta.id);
    assert.deepEqual(invoke.data, { service: 'zato.helpers.echo', request: seedRequest });
  });

  it('sends null credentials when none are configured', async () => {
    const zato = await peer();
    const c = client(zato.url);
    await waitFor(() => c.client.isReady, 'session');
    assert.equal(zato.frames[0].meta.username, null);
    assert.equal(zato.frames[0].meta.secret, null);
  });

  it('correlates many concurrent invocations by id, whatever order the replies come in', async () => {
    const zato = await peer();
    // The peer holds every reply until all requests are in, then answers in the order of `waits`.
    const held = new Map<number, () => void>();
    zato.services.set('slow.echo', (request) => new Promise((resolve) => { held.set((request as { wait: number }).wait, () => resolve(request)); }));
    const c = client(zato.url);
    await waitFor(() => c.client.isReady, 'session');
    const waits = [90, 10, 50, 0, 70, 30];
    const invoked = Promise.all(waits.map((wait, index) => c.client.invoke({ service: 'slow.echo', request: { wait, index } })));
    await waitFor(() => held.size === waits.length, 'every request at the peer');
    for (const wait of [...waits].sort((a, b) => a - b)) held.get(wait)?.();
    const replies = await invoked;
    assert.deepEqual(replies.map((reply) => reply.data), waits.map((wait, index) => ({ wait, index })));
    const many = await Promise.all(Array.from({ length: 100 }, (_, index) => c.client.invoke({ service: 'zato.helpers.echo', request: { index } })));
    assert.deepEqual(many.map((reply) => (reply.data as { index: number }).index), Array.from({ length: 100 }, (_, index) => index));
    assert.equal(new Set(many.map((reply) => reply.in_reply_to)).size, 100);
    assert.equal(c.client.invocationsInFlight, 0);
  });

  it('fails an invocation with a timeout error when no reply comes, and drops the late reply', async () => {
    const zato = await peer();
    let answer: (() => void) | undefined;
    zato.services.set('very.slow', () => new Promise((resolve) => { answer = () => resolve('late'); }));
    const c = client(zato.url, { responseTimeoutMs: 100 });
    await waitFor(() => c.client.isReady, 'session');
    await assert.rejects(c.client.invoke({ service: 'very.slow' }), InvokeTimeoutError);
    await waitFor(() => answer !== undefined, 'the request at the peer');
    answer?.();
    // Replies come in the order the peer sends them: once this one is in, the late one was read.
    assert.deepEqual((await c.client.invoke({ service: 'zato.ping' })).data, { pong: 'zato' });
    assert.equal(c.count('message'), 0, 'the late reply is no MESSAGE');
    assert.equal(c.client.invocationsInFlight, 0);
  });

  it('fails an invocation whose data JSON cannot carry at once, leaving nothing waiting for a reply', async () => {
    const zato = await peer();
    const c = client(zato.url, { responseTimeoutMs: 10_000 });
    await waitFor(() => c.client.isReady, 'session');
    const cyclic: Record<string, unknown> = { service: 'zato.helpers.echo' };
    cyclic.request = cyclic;
    await assert.rejects(c.client.invoke(cyclic), TypeError);
    await assert.rejects(c.client.invoke({ service: 'zato.helpers.echo', request: 1n }), TypeError);
    assert.equal(c.client.invocationsInFlight, 0);
    assert.equal(zato.frames.length, 1, 'only create-session went out');
  });

  it('turns non-200 replies into errors carrying status and error_message', async () => {
    const zato = await peer();
    zato.services.set('conflict', () => { throw new PeerServiceError(409, 'Already exists'); });
    zato.services.set('crash', () => { throw new Error('boom'); });
    const c = client(zato.url);
    await waitFor(() => c.client.isReady, 'session');
    await assert.rejects(c.client.invoke({ service: 'conflict' }), (error: unknown) =>
      error instanceof InvokeStatusError && error.status === 409 && error.reply.error_message === 'Already exists' && error.reply.msg_type === 'zwsx.rsperr');
    await assert.rejects(c.client.invoke({ service: 'crash' }), (error: unknown) => error instanceof InvokeStatusError && error.status === 500);
    await assert.rejects(c.client.invoke({ service: 'no.such.service' }), (error: unknown) => error instanceof InvokeStatusError && error.status === 404);
  });

  it('fails invocations at once when the socket is lost while they wait', async () => {
    const zato = await peer();
    zato.services.set('never', () => new Promise(() => {}));
    const c = client(zato.url, { responseTimeoutMs: 10_000 });
    await waitFor(() => c.client.isReady, 'session');
    const waiting = c.client.invoke({ service: 'never' });
    await zato.nextFrame((frame) => (frame.data as { service?: string } | undefined)?.service === 'never');
    zato.dropNewest();
    await assert.rejects(waiting, (error: unknown) => error instanceof ConnectionLostError && error.code === 1006);
    assert.deepEqual(c.closes(), [{ code: 1006, reason: '' }]);
  });

  it('regression: a zwsx.merr puts the server\'s text into waiting invokes and the CLOSE reason (was a bare 1006)', async () => {
    const zato = await peer();
    // A service that never answers and revokes the session's token, so the next frame is refused.
    zato.services.set('revoke', (_request, self) => {
      const connection = self.connections.at(-1);
      if (connection) connection.token = 'zwsxt.revoked';
      return new Promise(() => {});
    });
    const c = client(zato.url, { responseTimeoutMs: 10_000 });
    await waitFor(() => c.client.isReady, 'session');
    const waiting = c.client.invoke({ service: 'revoke' });
    await zato.nextFrame((frame) => (frame.data as { service?: string } | undefined)?.service === 'revoke');
    const refused = c.client.invoke({ service: 'zato.ping' });
    for (const invocation of [waiting, refused]) {
      await assert.rejects(invocation, (error: unknown) => error instanceof ConnectionLostError && error.code === 1006 && /Forbidden: not authorized/.test(error.message));
    }
    assert.deepEqual(c.closes(), [{ code: 1006, reason: 'refused by the server: Forbidden: not authorized' }]);
  });

  it('regression: a reply without data gives data null, not undefined', async () => {
    const zato = await peer();
    zato.services.set('nothing', () => null);
    const c = client(zato.url);
    await waitFor(() => c.client.isReady, 'session');
    const reply = await c.client.invoke({ service: 'nothing' });
    assert.equal(reply.status, 200);
    assert.equal(reply.data, null);
    // A server request without data reaches MESSAGE listeners as null too.
    const answered = zato.request(undefined);
    await answered;
    assert.equal(c.messages().at(-1)?.data, null);
  });

  it('treats bad credentials as a configuration error: no CONNECT, one CLOSE, retries only at the cap', async () => {
    const zato = await peer({ users: { api: 'right' } });
    const c = client(zato.url, { username: 'api', secret: 'wrong', reconnectFirstMs: 10, reconnectMaxMs: 150 });
    await waitFor(() => zato.connections.length >= 3, 'three attempts', 3000);
    assert.equal(c.client.state, 'auth-failed');
    assert.equal(c.count('connect'), 0);
    assert.equal(c.count('message'), 0, 'the Forbidden frame is no MESSAGE');
    assert.equal(c.count('close'), 1, 'one CLOSE for the whole run of failures');
    assert.equal(c.closes()[0].code, 1006);
    assert.match(c.closes()[0].reason, /Forbidden/);
    await assert.rejects(c.client.invoke({ service: 'zato.ping' }, 50), NotConnectedError);
  });

  it('does not retry bad credentials in a fast loop: attempts are spaced by the back-off cap', async () => {
    const zato = await peer({ users: { api: 'right' } });
    const accepted: number[] = [];
    const c = client(zato.url, { username: 'api', secret: 'wrong', reconnectFirstMs: 5, reconnectMaxMs: 120 });
    await waitFor(() => {
      while (accepted.length < zato.connections.length) accepted.push(Date.now());
      return accepted.length >= 4;
    }, 'four attempts', 3000);
    const gaps = accepted.slice(1).map((time, index) => time - accepted[index]);
    // Timers never fire early: every gap is at least the cap, never the 5 ms first delay.
    for (const gap of gaps) assert.ok(gap >= 100, `gap ${gap} ms`);
    assert.equal(c.count('close'), 1);
  });

  it('fires no CONNECT when the session reply never comes, and keeps retrying', async () => {
    const zato = await peer({ answerSessions: false });
    const c = client(zato.url, { sessionTimeoutMs: 60, reconnectFirstMs: 10, reconnectMaxMs: 20 });
    await waitFor(() => zato.connections.length >= 2, 'a second attempt');
    assert.equal(c.count('connect'), 0);
    assert.equal(c.count('close'), 0);
    await assert.rejects(c.client.invoke({ service: 'zato.ping' }, 50), NotConnectedError);
  });

  it('answers server-initiated requests with null unless a listener claims them, then with its answer', async () => {
    const zato = await peer();
    const c = client(zato.url);
    await waitFor(() => c.client.isReady, 'session');
    const unclaimed = await zato.request({ question: 1 });
    assert.equal(unclaimed.meta.action, 'client-response');
    assert.equal(unclaimed.meta.token, zato.connections[0].token);
    assert.deepEqual(unclaimed.data, { response: null });
    const message = c.messages()[0];
    assert.deepEqual(message.data, { question: 1 });
    assert.equal(message.type, 'zwsx.rqc');
    assert.equal(message.request?.msgType, 'zwsx.rqc');

    c.client.on('message', (event) => {
      event.claim();
      const data = event.data as { question: number };
      if (data.question === 2) setTimeout(() => { void c.client.respond(event.request!.id, { answer: 42 }); }, 20);
    });
    const answered = await zato.request({ question: 2 });
    assert.deepEqual(answered.data, { response: { answer: 42 } });
    const started = Date.now();
    const timedOut = await zato.request({ question: 3 });
    assert.deepEqual(timedOut.data, { response: null });
    assert.ok(Date.now() - started >= 290, 'null only after the reply timeout');
    await assert.rejects(c.client.respond(String(timedOut.meta.in_reply_to), 'too late'), /already answered/);
  });

  it('delivers pub/sub messages as MESSAGE and subscribes again after every reconnection', async () => {
    const zato = await peer();
    const c = client(zato.url, { subscriptions: ['orders', 'alerts'] });
    await waitFor(() => zato.subscriptions.length === 2, 'subscriptions');
    assert.deepEqual(zato.subscriptions, ['orders', 'alerts']);
    zato.deliver({ topic_name: 'orders', data: 'o-1' });
    await waitFor(() => c.count('message') === 1, 'delivery');
    assert.equal(c.messages()[0].type, 'zwsx.psrq');
    assert.deepEqual(c.messages()[0].data, { topic_name: 'orders', data: 'o-1' });
    zato.closeNewest(4005, 'restarting');
    await waitFor(() => zato.subscriptions.length === 4, 'subscriptions after reconnect');
    assert.deepEqual(zato.subscriptions, ['orders', 'alerts', 'orders', 'alerts']);
    assert.deepEqual(c.hooks().filter((hook) => hook !== 'message'), ['connect', 'close', 'connect']);
    assert.deepEqual(c.closes()[0], { code: 4005, reason: 'restarting' });
    // The new connection has a new session: a new token.
    assert.notEqual(zato.connections[0].token, zato.connections[1].token);
  });

  it('answers the channel pings with the same JSON payload', async () => {
    const zato = await peer();
    const c = client(zato.url);
    await waitFor(() => c.client.isReady, 'session');
    const pong = await zato.ping();
    assert.equal((JSON.parse(pong) as { meta: { msg_type: string } }).meta.msg_type, 'zwsx.rqc');
  });

  it('closes with 4002 after missed pongs and rebuilds the session', async () => {
    const zato = await peer({ autoPong: false });
    const c = client(zato.url, { pingIntervalMs: 30, pingsMissedThreshold: 3 });
    await waitFor(() => c.count('connect') === 2, 'reconnect after missed pongs');
    assert.deepEqual(c.closes(), [{ code: 4002, reason: 'Pings missed' }]);
    assert.equal(zato.frames.filter((frame) => frame.meta.action === 'create-session').length, 2);
  });

  it('ignores frames that are not JSON or have no meta, and keeps the connection', async () => {
    const zato = await peer();
    const c = client(zato.url);
    await waitFor(() => c.client.isReady, 'session');
    zato.sendRaw('this is not JSON');
    zato.sendRaw('{"data": "no meta"}');
    zato.sendRaw('[1, 2, 3]');
    zato.deliver('after the junk');
    await waitFor(() => c.count('message') === 1, 'the delivery');
    assert.equal(c.messages()[0].data, 'after the junk');
    const reply = await c.client.invoke({ service: 'zato.ping' });
    assert.deepEqual(reply.data, { pong: 'zato' });
  });

  it('sends in Zato mode without waiting for the reply, and drops that reply quietly', async () => {
    const zato = await peer();
    const c = client(zato.url);
    await waitFor(() => c.client.isReady, 'session');
    await c.client.send({ service: 'zato.helpers.echo', request: 'fire and forget' });
    await zato.nextFrame((frame) => (frame.data as { request?: unknown } | undefined)?.request === 'fire and forget');
    // The echo's reply went out before this one's: once this one is in, the echo's was read and dropped.
    assert.deepEqual((await c.client.invoke({ service: 'zato.ping' })).data, { pong: 'zato' });
    assert.equal(c.count('message'), 0);
    await assert.rejects(c.client.send('not an object'), /needs an object/);
  });
});

describe('reconnect back-off', () => {
  it('waits 2 s first, then doubles with jitter up to the cap, and starts over after a reset', () => {
    let draw = 0;
    const sequence = [0, 1, 0.5, 0.5, 0.5, 0.5, 0.5];
    const backoff = new Backoff({ firstMs: 2000, maxMs: 60_000, jitter: 0.2, random: () => sequence[draw++ % sequence.length] });
    assert.equal(backoff.next(), 2000);
    assert.equal(backoff.next(), 3200); // 4000 - 20 %
    assert.equal(backoff.next(), 9600); // 8000 + 20 %
    assert.equal(backoff.next(), 16_000);
    assert.equal(backoff.next(), 32_000);
    assert.equal(backoff.next(), 60_000);
    assert.equal(backoff.next(), 60_000);
    backoff.reset();
    assert.equal(backoff.next(), 2000);
    assert.equal(backoff.atCap(), 60_000);
  });
});
