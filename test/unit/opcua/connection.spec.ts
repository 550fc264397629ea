import assert from 'node:assert/strict';
import fs = require('node:fs');
import path = require('node:path');
import { after, before, describe, it } from 'node:test';
import { StatusCodes } from 'node-opcua';
import { OpcuaStatusError, RSA15_FLAG, rsa15Available, type OpcuaEndpoint } from '../../../lib/opcua';
import { FlowTagSource, TagError, TagSpace, type TagValue } from '../../../lib/tags';
import { endpointFor, startDemo, tempPki, waitForState, type RunningOpcuaDemoServer } from '../../support/opcua';
import { waitFor } from '../../support/wait';

describe('OPC UA connection (lib/opcua) against the demo server', { timeout: 120_000 }, () => {
  let demo: RunningOpcuaDemoServer;
  let pki: string;
  const endpoints: OpcuaEndpoint[] = [];
  function open(overrides: Parameters<typeof endpointFor>[2] = {}, server: { endpointUrl: string } = demo): OpcuaEndpoint {
    const endpoint = endpointFor(server, pki, overrides);
    endpoints.push(endpoint);
    endpoint.start();
    return endpoint;
  }

  before(async () => {
    pki = tempPki();
    demo = await startDemo({ maxNodesPerRead: 10 });
  });
  after(async () => {
    await Promise.all(endpoints.map((endpoint) => endpoint.close()));
    await demo.stop();
    fs.rmSync(pki, { recursive: true, force: true });
  });

  it('merges the reads of one event-loop turn into one Read, split at the server MaxNodesPerRead', async () => {
    const endpoint = open();
    await waitForState(endpoint.connection, 'connected');
    const nodeId = endpoint.connection.nodeId(endpoint.variables.get('Int32')!.nodeId);
    const before = endpoint.connection.reads.readCalls;
    const values = await Promise.all(Array.from({ length: 25 }, () => endpoint.connection.read(nodeId)));
    assert.equal(endpoint.connection.reads.readCalls - before, 3, '25 reads with MaxNodesPerRead 10 are 3 Read calls');
    assert.ok(values.every((value) => value.value.value === 555));
  });

  it('shares one monitored item per node and interval, and deletes it when the last listener leaves', async () => {
    const endpoint = open();
    await waitForState(endpoint.connection, 'connected');
    const itemsBefore = demo.monitoredItemCount();
    const seen: number[] = [];
    const first = endpoint.connection.monitor(endpoint.variables.get('Counter')!.nodeId, 100, (value) => seen.push(Number(value.value.value)));
    const second = endpoint.connection.monitor(endpoint.variables.get('Counter')!.nodeId, 100, () => undefined);
    const other = endpoint.connection.monitor(endpoint.variables.get('Counter')!.nodeId, 500, () => undefined);
    await waitFor(() => seen.length >= 2, 'two counter changes', 5000);
    assert.equal(endpoint.connection.items.size, 2);
    await waitFor(() => demo.monitoredItemCount() === itemsBefore + 2, 'two items on the server');
    first.close();
    second.close();
    other.close();
    assert.equal(endpoint.connection.items.size, 0);
    await waitFor(() => demo.monitoredItemCount() === itemsBefore, 'items deleted on the server');
  });

  it('confirms writes and reports the server refusal', async () => {
    const endpoint = open();
    await waitForState(endpoint.connection, 'connected');
    const space = new TagSpace();
    space.addSource(new FlowTagSource());
    space.addSource(endpoint.tagSource);
    await space.write('Int64', -5);
    assert.equal((await space.read('Int64')).value, -5);
    await space.write('Setpoint', 12.5);
    assert.equal((await space.read('Setpoint')).value, 12.5);
    await assert.rejects(space.write('Sine', 1), (error: unknown) => error instanceof TagError && error.code === 'read-only');
    await assert.rejects(endpoint.connection.write(endpoint.connection.nodeId(endpoint.variables.get('Sine')!.nodeId), { dataType: 'Double', value: 1 }),
      (error: unknown) => error instanceof OpcuaStatusError && error.statusCode.isNotGood());
    await assert.rejects(space.write('Int32', 'not a number'), (error: unknown) => error instanceof TagError && error.code === 'bad-value');
    const missing = await space.read('Missing');
    assert.equal(missing.quality, 'bad');
    assert.equal(missing.status, 'BadNodeIdUnknown');
    space.removeSource(endpoint.tagSource.id);
  });

  it('serves the variables as tags: subscribe through monitored items and history through HistoryRead', async () => {
    const endpoint = open();
    await waitForState(endpoint.connection, 'connected');
    const space = new TagSpace();
    space.addSource(endpoint.tagSource);
    const changes: TagValue[] = [];
    const subscription = space.subscribe('Counter', (_name, value) => changes.push(value));
    await waitFor(() => changes.length >= 2, 'counter changes through the tag space', 5000);
    assert.equal(space.info('Counter')?.dataType, 'UInt32');
    const now = Date.now();
    const history = await space.history('Sine', now - 600_000, now, 0);
    assert.ok(history.length >= 590 && history.length <= 602, `ten minutes of one-second samples, got ${history.length}`);
    assert.ok(history.every((sample, index) => index === 0 || sample.timestamp > history[index - 1].timestamp));
    subscription.close();
    space.removeSource(endpoint.tagSource.id);
    await waitFor(() => endpoint.connection.items.size === 0, 'no monitored item after the source left');
  });

  it('logs in with user name and password over SignAndEncrypt, and names the reason when refused', async () => {
    const good = open({ securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256', identity: { kind: 'username', userName: 'user1', password: 'password1' } });
    await waitForState(good.connection, 'connected');
    const bad = open({ securityMode: 'Sign', securityPolicy: 'Aes128_Sha256_RsaOaep', identity: { kind: 'username', userName: 'user1', password: 'wrong' } });
    await waitForState(bad.connection, 'failed');
    assert.match(bad.connection.stateDetail, /BadUserAccessDenied|BadIdentityTokenRejected|BadIdentityTokenInvalid/);
    await assert.rejects(bad.connection.read(bad.connection.nodeId('i=2258')), (error: unknown) => error instanceof OpcuaStatusError && error.statusCode.value === StatusCodes.BadNotConnected.value);
  });

  it('logs in with an X.509 user certificate (the client certificate from its PKI folder)', async () => {
    const certificate = fs.readFileSync(path.join(pki, 'own', 'certs', 'client_certificate.pem'), 'utf8');
    const privateKey = fs.readFileSync(path.join(pki, 'own', 'private', 'private_key.pem'), 'utf8');
    const endpoint = open({ securityMode: 'SignAndEncrypt', securityPolicy: 'Basic256Sha256', identity: { kind: 'certificate', certificate, privateKey } });
    await waitForState(endpoint.connection, 'connected');
    const value = await endpoint.connection.read(endpoint.connection.nodeId('i=2258'));
    assert.ok(value.statusCode.isGood());
  });

  it('refuses Basic128Rsa15 with a message naming the Node flag when the process lacks it', async () => {
    const endpoint = open({ securityMode: 'SignAndEncrypt', securityPolicy: 'Basic128Rsa15', identity: { kind: 'username', userName: 'user1', password: 'password1' } });
    if (rsa15Available()) {
      await waitForState(endpoint.connection, 'connected');
    } else {
      await waitForState(endpoint.connection, 'failed');
      assert.ok(endpoint.connection.stateDetail.includes(RSA15_FLAG), endpoint.connection.stateDetail);
    }
  });

  it('reconnects after the server restarts on the same port and restores its monitored items', async () => {
    const own = await startDemo();
    const port = Number(new URL(own.endpointUrl.replace('opc.tcp', 'http')).port);
    let server = own;
    try {
      const endpoint = open({}, own);
      await waitForState(endpoint.connection, 'connected');
      const seen: number[] = [];
      const handle = endpoint.connection.monitor(endpoint.variables.get('Counter')!.nodeId, 100, (value) => {
        if (value.statusCode.isGood()) seen.push(Number(value.value.value));
      });
      await waitFor(() => seen.length >= 1, 'a counter value', 5000);
      await own.stop();
      await waitFor(() => endpoint.connection.state !== 'connected', 'the connection notices the loss', 15000);
      server = await startDemo({ port });
      await waitForState(endpoint.connection, 'connected', 30000);
      const count = seen.length;
      await waitFor(() => seen.length >= count + 2, 'counter values after the restart', 20000);
      assert.equal(server.monitoredItemCount(), 1, 'the item exists again on the new server');
      handle.close();
      await waitFor(() => server.monitoredItemCount() === 0, 'the item is deleted');
    } finally {
      await server.stop();
    }
  });
});
