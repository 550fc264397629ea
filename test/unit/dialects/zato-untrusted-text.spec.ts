import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startEndpoint, type Fixture } from '../server/endpoint-fixture';
import { TestClient } from '../../support/ws-client';
import { createZatoDialect } from '../../../lib/dialects/zato';

interface Frame {
  meta: Record<string, unknown>;
  data?: unknown;
}

/** Names that are members of every plain object: as service names or actions they are just unknown. */
const prototypeKeys = ['__proto__', 'constructor', 'prototype', 'hasOwnProperty', 'toString', 'valueOf'];
let counter = 0;

function frame(action: string, meta: Record<string, unknown>, data?: unknown): Frame {
  return { meta: { action, id: `untrusted.${++counter}`, timestamp: '2024-05-01T10:00:00.123456', ...meta }, data };
}

describe('zato: client text is plain data', () => {
  let fixture: Fixture | undefined;
  let client: TestClient | undefined;
  after(async () => {
    await client?.close();
    await fixture?.endpoint.close();
  });

  it('prototype names as service names get 404 (no flow implements them), as actions 400, and the session goes on', async () => {
    fixture = await startEndpoint({ dialect: createZatoDialect });
    const endpoint = fixture.endpoint;
    endpoint.hooks.register({ events: ['MESSAGE'], mode: 'handle', filter: { type: 'orders.*' }, deliver: (delivery) => {
      endpoint.reply(delivery.session.id, { ok: delivery.message?.type }, { handle: delivery.message?.handle });
    } });
    const socket = await TestClient.open(fixture.url);
    client = socket;
    socket.send(frame('create-session', { username: null, secret: null }, {}));
    const token = ((await socket.nextJson<Frame>()).data as { token: string }).token;
    for (const key of prototypeKeys) {
      socket.send(frame('invoke-service', { token }, { service: key, request: {} }));
      const missing = await socket.nextJson<Frame>();
      assert.equal(missing.meta.status, 404, `service ${key}`);
      assert.equal(missing.meta.msg_type, 'zwsx.rsperr');
      socket.send(frame(key, { token }, { service: 'orders.create' }));
      const unknown = await socket.nextJson<Frame>();
      assert.equal(unknown.meta.status, 400, `action ${key}`);
      socket.send(JSON.stringify({ meta: { action: 'invoke-service', id: `untrusted.${++counter}`, timestamp: '2024-05-01T10:00:00.123456', token, [key]: 1 }, data: { service: 'orders.create', request: {}, [key]: 1 } }));
      assert.deepEqual((await socket.nextJson<Frame>()).data, { ok: 'orders.create' }, `extra key ${key} is ignored`);
    }
  });
});
