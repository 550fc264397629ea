import assert from 'node:assert/strict';
import fs = require('node:fs');
import { after, before, describe, it } from 'node:test';
import { DataType } from 'node-opcua';
import { OpcuaStatusError, type OpcuaEndpoint } from '../../../lib/opcua';
import { TagError, TagSpace } from '../../../lib/tags';
import { startOpcuaTestServer, type OpcuaTestServer } from '../../support/opcua-test-server';
import { endpointFor, tempPki, waitForState } from '../../support/opcua';
import { waitFor } from '../../support/wait';

/**
 * OPC UA writes are sent once or never: one on the wire when the server goes away is reported BadTimeout
 * with outcome unknown (not BadNotConnected, which says it did not happen), one made while the
 * connection is down fails at once, and neither is sent again when the server comes back.
 */
describe('OPC UA write outcomes when the server goes away and comes back', { timeout: 120_000 }, () => {
  let server: OpcuaTestServer;
  let endpoint: OpcuaEndpoint;
  let pki: string;
  before(async () => {
    pki = tempPki();
    server = await startOpcuaTestServer({ port: 0 });
    endpoint = endpointFor(server, pki, {
      variables: [{ name: 'Setpoint', nodeId: 'ns=1;s=Setpoint', samplingInterval: 50 }, { name: 'Held', nodeId: 'ns=1;s=Held' }],
    });
    endpoint.start();
    await waitForState(endpoint.connection, 'connected');
  });
  after(async () => {
    await endpoint.close();
    await server.stop();
    fs.rmSync(pki, { recursive: true, force: true });
  });

  it('regression: in flight -> BadTimeout (unknown), while down -> BadNotConnected at once, neither replayed; monitoring resumes', async () => {
    const connection = endpoint.connection;
    const seen: number[] = [];
    const monitor = connection.monitor('ns=1;s=Setpoint', 50, (value) => seen.push(Number(value.value.value)));
    await waitFor(() => seen.length > 0, 'the first Setpoint value', 10_000);
    const space = new TagSpace();
    space.addSource(endpoint.tagSource);

    const inFlight = connection.write(connection.nodeId('ns=1;s=Held'), { dataType: DataType.Double, value: 1 });
    const inFlightOutcome = inFlight.then(() => 'resolved', (error: unknown) => error);
    await waitFor(() => server.heldWrites === 1, 'the write taken by the server');
    const port = server.port;
    await server.stop();
    const error = await inFlightOutcome;
    assert.ok(error instanceof OpcuaStatusError, `rejected with an OPC UA status: ${String(error)}`);
    assert.equal(error.statusCode.name, 'BadTimeout', 'on the wire when the channel broke: the server may have executed it');
    assert.equal(error.outcome, 'unknown');
    assert.match(error.message, /outcome unknown/);

    await waitFor(() => connection.state !== 'connected', 'the connection noticed');
    const down = await connection.write(connection.nodeId('ns=1;s=Setpoint'), { dataType: DataType.Double, value: 42 }).then(() => undefined, (e: unknown) => e);
    assert.ok(down instanceof OpcuaStatusError);
    assert.equal(down.statusCode.name, 'BadNotConnected');
    assert.equal(down.outcome, 'failed');
    await assert.rejects(space.write('Setpoint', 43), (e: unknown) => e instanceof TagError && e.code === 'source-unavailable');

    server = await startOpcuaTestServer({ port });
    await waitForState(connection, 'connected', 60_000);
    // Sent after the reconnection: had anything been held over it, it would have gone first.
    await space.write('Setpoint', 44);
    await waitFor(() => seen.includes(44), 'a data change after the restart', 15_000);
    assert.deepEqual(server.writes, [{ name: 'Setpoint', value: 44 }], 'nothing written while down or on the old server was sent again');
    monitor.close();
    space.removeSource(endpoint.tagSource.id);
  });

  it('a write to a tag whose answer never comes is "write-unknown" in the tag space', async () => {
    const space = new TagSpace();
    space.addSource(endpoint.tagSource);
    const before = server.heldWrites;
    const pending = space.write('Held', 5).then(() => undefined, (e: unknown) => e);
    await waitFor(() => server.heldWrites === before + 1, 'the write taken by the server');
    const port = server.port;
    await server.stop();
    const error = await pending;
    assert.ok(error instanceof TagError, String(error));
    assert.equal(error.code, 'write-unknown');
    server = await startOpcuaTestServer({ port });
    await waitForState(endpoint.connection, 'connected', 60_000);
    space.removeSource(endpoint.tagSource.id);
  });
});
