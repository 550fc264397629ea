import assert from 'node:assert/strict';
import { once } from 'node:events';
import { after, describe, it, mock } from 'node:test';
import type { DialectContext, DialectFactory, DialectSession } from '../../../lib/dialects/contract';
import { GatewayEndpoint, SessionClosedError } from '../../../lib/server';
import { clientCloseFrame, clientTextFrame, openRawWebSocket, readToEnd, serverFrames, socketEnded } from '../../support/raw-socket';
import { nextTurn, waitFor } from '../../support/wait';
import { TestClient } from '../../support/ws-client';
import { endpointPool, sessionIdOf } from './endpoint-fixture';

/**
 * A dialect whose answers wait until the test releases them: requests stay in flight on demand. A frame
 * "a,b,c" holds three requests, so a test can put more requests than fit into one read.
 */
const pendingReleases: Array<() => void> = [];
const slowEcho: DialectFactory = (_context: DialectContext) => ({
  name: 'test-slow-echo',
  subprotocols: [],
  decode: (data) => ({ ok: true, messages: data.toString().split(',').map((payload) => ({ type: 'echo', payload })) }),
  handle: (session: DialectSession, message) => new Promise<void>((resolve) => {
    pendingReleases.push(() => { session.send(`echo:${String(message.payload)}`); resolve(); });
  }),
  encodeOutgoing: (payload) => String(payload),
  encodeError: (error) => `error:${error.code}`,
});

/** A dialect that answers each request one event-loop turn later, as one that asks a device would. */
const tickEcho: DialectFactory = () => ({
  name: 'test-tick-echo',
  subprotocols: [],
  decode: (data) => ({ ok: true, messages: [{ type: 'echo', payload: data.toString() }] }),
  handle: async (session: DialectSession, message) => {
    await new Promise((resolve) => setImmediate(resolve));
    session.send(`echo:${String(message.payload)}`);
  },
  encodeOutgoing: (payload) => String(payload),
  encodeError: (error) => `error:${error.code}`,
});

/** A dialect that only records what it handled, as a dialect whose requests act on a device. */
const handled: string[] = [];
const recording: DialectFactory = () => ({
  name: 'test-recording',
  subprotocols: [],
  decode: (data) => ({ ok: true, messages: [{ type: 'set', payload: data.toString() }] }),
  handle: (_session: DialectSession, message) => { handled.push(String(message.payload)); },
  encodeOutgoing: (payload) => String(payload),
  encodeError: (error) => `error:${error.code}`,
});

/** A dialect whose codec and handler fail, to show failures stay inside the connection. */
const faulty: DialectFactory = () => ({
  name: 'test-faulty',
  subprotocols: [],
  decode: (data) => {
    if (data.toString() === 'explode') throw new Error('codec bug');
    return { ok: true, messages: [{ type: 'x', payload: data.toString() }] };
  },
  handle: () => { throw new Error('handler bug'); },
  encodeOutgoing: (payload) => String(payload),
  encodeError: (error) => `error:${error.code}:${error.message}`,
});

const { start: endpoint, closeAll } = endpointPool();

describe('endpoint limits', () => {
  after(closeAll);

  it('closes a client that sends a frame over the size limit with 1009, and keeps serving others', async () => {
    const fixture = await endpoint({ limits: { maxFrameBytes: 1024 } });
    const bystander = await TestClient.open(fixture.url);
    const client = await TestClient.open(fixture.url);
    client.send('x'.repeat(2048));
    const closed = await client.closed;
    assert.equal(closed.code, 1009);
    await waitFor(() => fixture.deliveries.some((delivery) => delivery.hook === 'CLOSE'), 'CLOSE hook');
    const close = fixture.deliveries.find((delivery) => delivery.hook === 'CLOSE');
    assert.equal((close?.payload as { code: number }).code, 1009);
    assert.ok(fixture.deliveries.some((delivery) => delivery.hook === 'ERROR'), 'an ERROR hook names the oversized frame');
    bystander.send('"still here"');
    await waitFor(() => fixture.deliveries.some((delivery) => delivery.hook === 'MESSAGE' && delivery.payload === 'still here'), 'bystander message');
    await bystander.close();
  });

  it('regression: 40 requests pipelined on an idle server all get real answers, none "busy"', async () => {
    const fixture = await endpoint({ dialect: tickEcho });
    assert.equal(fixture.endpoint.limits.maxInFlight, 16);
    const client = await TestClient.open(fixture.url);
    for (let i = 0; i < 40; i++) client.send(String(i));
    const answers: string[] = [];
    for (let i = 0; i < 40; i++) answers.push(await client.nextText());
    assert.deepEqual(answers, Array.from({ length: 40 }, (_, i) => `echo:${i}`), 'every answer, in request order');
    assert.equal(fixture.deliveries.filter((delivery) => delivery.hook === 'ERROR').length, 0);
    await client.close();
  });

  it('queues requests past the in-flight limit, stops reading while the queue is full, and answers "busy" only past its depth', async () => {
    const fixture = await endpoint({ dialect: slowEcho, limits: { maxInFlight: 2, maxQueued: 2 } });
    const client = await TestClient.open(fixture.url);
    await waitFor(() => fixture.endpoint.clientCount === 1, 'client registered');
    const session = fixture.endpoint.session(sessionIdOf(fixture));
    assert.ok(session);
    // One frame, five requests: two run, two wait, the fifth is past the depth.
    client.send('a,b,c,d,e');
    assert.equal(await client.nextText(), 'error:busy');
    await waitFor(() => pendingReleases.length === 2, 'two requests in flight');
    assert.equal(session.requests.queued, 2);
    assert.equal(session.readingPaused, true, 'a full queue stops reading the client');
    for (const expected of ['a', 'b', 'c', 'd']) {
      await waitFor(() => pendingReleases.length > 0, `request ${expected} running`);
      pendingReleases.shift()?.();
      assert.equal(await client.nextText(), `echo:${expected}`);
    }
    await waitFor(() => !session.readingPaused, 'reading again');
    client.send('f');
    await waitFor(() => pendingReleases.length === 1, 'request f in flight');
    pendingReleases.splice(0).forEach((release) => release());
    assert.equal(await client.nextText(), 'echo:f');
    await client.close();
  });

  it('answers "busy" at once past the in-flight limit when the queue depth is 0', async () => {
    const fixture = await endpoint({ dialect: slowEcho, limits: { maxInFlight: 2, maxQueued: 0 } });
    const client = await TestClient.open(fixture.url);
    client.send('a,b,c');
    assert.equal(await client.nextText(), 'error:busy');
    await waitFor(() => pendingReleases.length === 2, 'two requests in flight');
    pendingReleases.splice(0).forEach((release) => release());
    assert.deepEqual([await client.nextText(), await client.nextText()], ['echo:a', 'echo:b']);
    await client.close();
  });

  it('still handles requests read just before the client closed (a set followed at once by close)', async () => {
    const fixture = await endpoint({ dialect: recording, limits: { maxInFlight: 1 } });
    const socket = await openRawWebSocket(fixture.port, '/');
    socket.write(Buffer.concat([clientTextFrame('first'), clientTextFrame('queued'), clientCloseFrame()]));
    await waitFor(() => handled.includes('first') && handled.includes('queued'), 'both requests handled');
    assert.deepEqual(handled.splice(0), ['first', 'queued']);
    socket.destroy();
  });

  it('keeps the connection open when the codec or the handler throws, and answers with the error', async () => {
    const fixture = await endpoint({ dialect: faulty });
    const client = await TestClient.open(fixture.url);
    client.send('explode');
    assert.equal(await client.nextText(), 'error:internal:codec bug');
    client.send('fine');
    assert.equal(await client.nextText(), 'error:internal:handler bug');
    assert.equal(client.ws.readyState, client.ws.OPEN);
    await client.close();
  });

  it('cuts off a client that stops answering pings (fake interval timer)', async () => {
    // Only setInterval is faked: the sockets run on real I/O, the heartbeat moves one tick at a time.
    mock.timers.enable({ apis: ['setInterval'] });
    try {
      const fixture = await endpoint({ limits: { pingIntervalMs: 30_000 } });
      const alive = await TestClient.open(fixture.url);
      const dead = await openRawWebSocket(fixture.port, '/');
      await waitFor(() => fixture.endpoint.clientCount === 2, 'both clients registered');
      const aliveSession = fixture.endpoint.session(sessionIdOf(fixture, 0));
      assert.ok(aliveSession);
      const ponged = (): Promise<unknown> => once(aliveSession.socket, 'pong');
      let pong = ponged();
      mock.timers.tick(30_000); // ping both
      await pong;
      pong = ponged();
      mock.timers.tick(30_000); // the raw socket never answered: cut off; the ws client is pinged again
      await socketEnded(dead);
      await waitFor(() => fixture.deliveries.some((delivery) => delivery.hook === 'CLOSE'), 'CLOSE of the dead client');
      const close = fixture.deliveries.find((delivery) => delivery.hook === 'CLOSE');
      assert.deepEqual(close?.payload, { code: 1006, reason: 'heartbeat timeout: no pong' });
      await pong;
      mock.timers.tick(30_000); // answered in time: it stays
      assert.equal(alive.ws.readyState, alive.ws.OPEN, 'a client that answers pings stays');
      assert.equal(fixture.endpoint.clientCount, 1);
      assert.equal(fixture.deliveries.filter((delivery) => delivery.hook === 'CLOSE').length, 1);
      await alive.close();
    } finally {
      mock.timers.reset();
    }
  });

  it('conflates change notifications of a slow client to the latest value per tag', async () => {
    const fixture = await endpoint({ dialectOptions: { rawTags: 'slow/*' }, limits: { outboundBudgetBytes: 64 * 1024, overBudgetCloseMs: 30_000 } });
    const client = await TestClient.open(fixture.url);
    await waitFor(() => fixture.endpoint.clientCount === 1, 'client registered');
    const session = fixture.endpoint.session(sessionIdOf(fixture));
    assert.ok(session);
    client.ws.pause();
    const chunk = 'x'.repeat(100_000);
    let published = 0;
    let pausedReading = false;
    for (let i = 0; i < 400 && session.conflatedFrames === 0; i++) {
      fixture.flowTags.publish('slow/big', `${i}:${chunk}`);
      fixture.flowTags.publish('slow/counter', i);
      // Looked at right away: the kernel may take the bytes (and reading resume) while the test waits.
      pausedReading ||= session.readingPaused;
      published += 2;
      await nextTurn();
    }
    assert.ok(session.conflatedFrames > 0, 'frames were conflated once the budget was exceeded');
    assert.ok(pausedReading, 'over budget, the server stops reading the client');
    fixture.flowTags.publish('slow/big', 'final');
    fixture.flowTags.publish('slow/counter', -1);
    published += 2;
    client.ws.resume();
    const last = new Map<string, unknown>();
    let received = 0;
    while (last.get('slow/big') !== 'final' || last.get('slow/counter') !== -1) {
      const change = await client.nextJson<{ topic: string; payload: unknown }>(5000);
      last.set(change.topic, change.payload);
      received++;
    }
    assert.ok(received < published, `received ${received} of ${published} notifications`);
    await waitFor(() => !session.readingPaused, 'reading resumes once the client has drained');
    assert.ok(session.bufferedBytes <= 32 * 1024, 'drained to the low-water mark');
    assert.ok(await client.silentFor(100), 'nothing after the latest values');
    await client.close();
  });

  it('closes a client that stays over its budget with 1008', async () => {
    const fixture = await endpoint({ dialectOptions: { rawTags: 'stuck/*' }, limits: { outboundBudgetBytes: 64 * 1024, overBudgetCloseMs: 200, closeGraceMs: 10_000 } });
    const client = await TestClient.open(fixture.url);
    await waitFor(() => fixture.endpoint.clientCount === 1, 'client registered');
    client.ws.pause();
    const chunk = 'y'.repeat(100_000);
    const session = fixture.endpoint.session(sessionIdOf(fixture));
    assert.ok(session);
    // Over budget (notifications conflate from then on), the close is due overBudgetCloseMs later.
    for (let i = 0; i < 400 && session.conflatedFrames === 0; i++) {
      fixture.flowTags.publish('stuck/big', `${i}:${chunk}`);
      await nextTurn();
    }
    await waitFor(() => session.closeSent !== undefined, 'the close of the slow client');
    assert.deepEqual(session.closeSent, { code: 1008, reason: 'outbound budget exceeded: client too slow' });
    client.ws.resume();
    const closed = await client.closed;
    assert.equal(closed.code, 1008);
    await waitFor(() => fixture.deliveries.some((delivery) => delivery.hook === 'CLOSE'), 'CLOSE hook');
    assert.equal((fixture.deliveries.find((delivery) => delivery.hook === 'CLOSE')?.payload as { code: number }).code, 1008);
  });

  it('never conflates answers: every reply reaches a slow client', async () => {
    const fixture = await endpoint({ limits: { outboundBudgetBytes: 1024, outboundHardCapBytes: 4 * 1024 * 1024, overBudgetCloseMs: 30_000 } });
    const client = await TestClient.open(fixture.url);
    await waitFor(() => fixture.endpoint.clientCount === 1, 'client registered');
    const id = sessionIdOf(fixture);
    client.ws.pause();
    for (let i = 0; i < 200; i++) fixture.endpoint.reply(id, { n: i, pad: 'z'.repeat(10_000) });
    client.ws.resume();
    for (let i = 0; i < 200; i++) assert.equal((await client.nextJson<{ n: number }>()).n, i);
    await client.close();
  });

  it('regression: a client that sends large frames to a flow echo and never reads is held to the hard cap, paused, then closed with 1008', async () => {
    const budget = 1024 * 1024;
    const fixture = await endpoint({ limits: { outboundBudgetBytes: budget, overBudgetCloseMs: 1_000, closeGraceMs: 10_000 } });
    assert.equal(fixture.endpoint.limits.outboundHardCapBytes, 4 * budget);
    echoThroughFlow(fixture.endpoint);
    const client = await TestClient.open(fixture.url);
    await waitFor(() => fixture.endpoint.clientCount === 1, 'client registered');
    const session = fixture.endpoint.session(sessionIdOf(fixture));
    assert.ok(session);
    client.ws.pause();
    const frame = Buffer.alloc(512 * 1024, 0x61);
    for (let i = 0; i < 60; i++) client.ws.send(frame);
    await waitFor(() => session.closeSent !== undefined, 'the client is closed', 5_000);
    assert.ok(session.readingPauses > 0, 'the server stopped reading the client');
    assert.equal(session.closeSent?.code, 1008);
    assert.match(session.closeSent?.reason ?? '', /^outbound (budget|hard cap) exceeded/);
    assert.ok(session.peakBufferedBytes <= fixture.endpoint.limits.outboundHardCapBytes, `held at most the hard cap (peak ${session.peakBufferedBytes})`);
    const read = fixture.deliveries.filter((delivery) => delivery.hook === 'MESSAGE').length;
    assert.ok(read < 60, `the server stopped reading: ${read} of 60 frames read`);
    client.ws.resume();
    let echoes = 0;
    client.ws.on('message', () => { echoes++; });
    assert.equal((await client.closed).code, 1008);
    assert.ok(echoes <= read, 'echoes arrive in full until the close frame');
  });

  it('regression: no data frame follows the close frame, even when notifications were waiting for a slow client', async () => {
    const fixture = await endpoint({ dialectOptions: { rawTags: 'late/*' }, limits: { outboundBudgetBytes: 64 * 1024, outboundHardCapBytes: 8 * 1024 * 1024, overBudgetCloseMs: 30_000, closeGraceMs: 1_000 } });
    const socket = await openRawWebSocket(fixture.port, '/');
    socket.pause();
    await waitFor(() => fixture.endpoint.clientCount === 1, 'client registered');
    const session = fixture.endpoint.session(sessionIdOf(fixture));
    assert.ok(session);
    const chunk = 'w'.repeat(100_000);
    for (let i = 0; i < 400 && session.conflatedFrames === 0; i++) {
      fixture.flowTags.publish('late/a', `${i}:${chunk}`);
      fixture.flowTags.publish('late/b', `${i}:${chunk}`);
      await nextTurn();
    }
    assert.ok(session.conflatedFrames > 0, 'notifications wait for the slow client');
    session.close(1000, 'done');
    fixture.flowTags.publish('late/a', 'after close');
    fixture.endpoint.broadcast('after close');
    const bytes = await readToEnd(socket);
    const frames = serverFrames(bytes);
    const close = frames.findIndex((frame) => frame.opcode === 0x8);
    assert.ok(close >= 0, `a close frame came (${frames.length} frames)`);
    assert.deepEqual(frames.slice(close + 1).map((frame) => frame.opcode), [], 'nothing after the close frame');
    assert.ok(frames.slice(0, close).every((frame) => frame.opcode === 0x1), 'only whole text frames before it');
  });

  it('keeps serving when clients vanish in the middle of a large broadcast, and forgets them', async () => {
    const fixture = await endpoint();
    const stayer = await TestClient.open(fixture.url);
    const leavers = await Promise.all(Array.from({ length: 20 }, () => TestClient.open(fixture.url)));
    await waitFor(() => fixture.endpoint.clientCount === 21, 'all connected');
    const big = { blob: 'q'.repeat(256 * 1024) };
    for (let i = 0; i < 10; i++) {
      fixture.endpoint.broadcast(big);
      if (i === 3) leavers.forEach((client) => client.ws.terminate());
    }
    await waitFor(() => fixture.endpoint.clientCount === 1, 'vanished clients forgotten');
    for (let i = 0; i < 10; i++) assert.equal((await stayer.nextJson<typeof big>()).blob.length, big.blob.length);
    await stayer.close();
    await waitFor(() => fixture.endpoint.clientCount === 0, 'no session left');
    assert.equal(fixture.deliveries.filter((delivery) => delivery.hook === 'CLOSE').length, 21);
  });
});

/** What the raw echo example does: a handle-mode hook whose flow replies a moment later (Node-RED delivers asynchronously). */
function echoThroughFlow(endpoint: GatewayEndpoint): void {
  endpoint.hooks.register({
    events: ['MESSAGE'],
    mode: 'handle',
    filter: {},
    deliver: (delivery) => setImmediate(() => {
      try {
        endpoint.reply(delivery.session.id, delivery.payload);
      } catch (error) {
        // A flow's reply to a client that has gone fails the same way (ws-gateway-out reports it).
        if (!(error instanceof SessionClosedError)) throw error;
      }
    }),
  });
}
