import assert from 'node:assert/strict';
import fs = require('node:fs');
import { after, before, describe, it, mock } from 'node:test';
import type { OpcuaEndpoint } from '../../../lib/opcua';
import { opcuaStatusSource } from '../../../nodes/shared/dialect-sources';
import { endpointFor, tempPki, waitForState } from '../../support/opcua';
import { startOpcuaTestServer, type OpcuaTestServer } from '../../support/opcua-test-server';
import { freePort } from '../../support/ports';
import { waitFor } from '../../support/wait';
import { TestClient } from '../../support/ws-client';
import { startEndpoint, type Fixture } from '../server/endpoint-fixture';
import { createOpcuaServerDialect } from '../../../lib/dialects/opcua-server';

interface Answer {
  Header: { MessageType: string; ClientHandle: string; StatusCode?: string };
  Body?: unknown;
}

describe('OPC UA connection in the field: unreachable servers, reconnects and shutdown notices', { timeout: 120_000 }, () => {
  let pki: string;
  const endpoints: OpcuaEndpoint[] = [];
  const servers: OpcuaTestServer[] = [];
  const fixtures: Fixture[] = [];
  const clients: TestClient[] = [];

  /** An endpoint whose log lines are collected; the variable list holds the test server's `Precise`. */
  function open(endpointUrl: string): { endpoint: OpcuaEndpoint; lines: string[] } {
    const lines: string[] = [];
    const endpoint = endpointFor({ endpointUrl }, pki, {
      variables: [{ name: 'Precise', nodeId: 'ns=1;s=Precise', samplingInterval: 50 }],
      log: { info: (text) => lines.push(`info: ${text}`), warn: (text) => lines.push(`warn: ${text}`) },
    });
    endpoints.push(endpoint);
    endpoint.start();
    return { endpoint, lines };
  }
  async function server(port: number, lackingOperationLimits = false): Promise<OpcuaTestServer> {
    const started = await startOpcuaTestServer({ port, lackingOperationLimits });
    servers.push(started);
    return started;
  }

  before(() => { pki = tempPki(); });
  after(async () => {
    await Promise.all(clients.map((client) => client.close()));
    await Promise.all(fixtures.map((fixture) => fixture.endpoint.close()));
    await Promise.all(endpoints.map((endpoint) => endpoint.close()));
    await Promise.all(servers.map((started) => started.stop()));
    fs.rmSync(pki, { recursive: true, force: true });
  });

  it('regression: an unreachable server turns the status red with the reason and is logged once, its recovery once', async () => {
    const port = await freePort();
    const { endpoint, lines } = open(`opc.tcp://127.0.0.1:${port}`);
    const status = opcuaStatusSource(endpoint.connection);
    const problems: string[] = [];
    const stop = status.onChange((_status, problem) => { if (problem) problems.push(problem); });
    await waitForState(endpoint.connection, 'unreachable');
    assert.equal(endpoint.connection.stateDetail, `connect ECONNREFUSED 127.0.0.1:${port}`);
    assert.deepEqual(status.status, { fill: 'red', shape: 'ring', text: `OPC UA unreachable: connect ECONNREFUSED 127.0.0.1:${port}` });
    // Three more attempts fail the same way: still one log line and one ERROR-hook problem.
    const attempts = endpoint.connection.attempts;
    await waitFor(() => endpoint.connection.attempts >= attempts + 3, 'three more connection attempts', 20_000);
    assert.deepEqual(lines, [`warn: opc.tcp://127.0.0.1:${port} unreachable: connect ECONNREFUSED 127.0.0.1:${port}`]);
    assert.deepEqual(problems, [`OPC UA unreachable: connect ECONNREFUSED 127.0.0.1:${port}`]);
    await server(port);
    await waitForState(endpoint.connection, 'connected', 30_000);
    assert.deepEqual(lines.slice(1), [`info: connected to opc.tcp://127.0.0.1:${port}`]);
    assert.deepEqual(status.status, { fill: 'green', shape: 'dot', text: 'OPC UA connected' });
    stop();
  });

  it('regression: a server restart logs one line per state change and no node-opcua dumps (server lacking OperationLimits, as open62541)', async () => {
    const port = await freePort();
    const first = await server(port, true);
    const { endpoint, lines } = open(first.endpointUrl);
    await waitForState(endpoint.connection, 'connected');
    const values: number[] = [];
    const watch = endpoint.connection.monitor('ns=1;s=Precise', 50, (value) => { if (value.statusCode.isGood()) values.push(Number(value.value.value)); });
    await waitFor(() => values.length > 0, 'a value of the monitored item');
    const printed: string[] = [];
    const record = (...args: unknown[]): void => { printed.push(args.map(String).join(' ')); };
    const log = mock.method(console, 'log', record);
    const warn = mock.method(console, 'warn', record);
    try {
      await first.stop();
      servers.splice(servers.indexOf(first), 1);
      await waitForState(endpoint.connection, 'reconnecting');
      const second = await server(port, true);
      await waitForState(endpoint.connection, 'connected', 30_000);
      await endpoint.connection.write(endpoint.connection.nodeId('ns=1;s=Precise'), { dataType: 'Double', value: 2.5 });
      await waitFor(() => values.includes(2.5), 'the monitored item re-created on the new server', 20_000);
      assert.ok(second.server.currentSubscriptionCount >= 1);
    } finally {
      log.mock.restore();
      warn.mock.restore();
    }
    // A server that says it is shutting down may get that in before the drop; it is a change of its own.
    const changes = lines.slice(1).filter((line) => !/shutting down/.test(line));
    assert.deepEqual(changes, [`warn: connection to ${first.endpointUrl} lost, reconnecting`, `info: reconnected to ${first.endpointUrl}`]);
    assert.ok(lines.length - changes.length <= 1, lines.join('\n'));
    assert.deepEqual(printed.filter((line) => /read_operational_limits|dataValue/.test(line)), [], 'node-opcua dumped the missing limit nodes');
    watch.close();
  });

  it('reports a shutdown the server announces while still connected: status, ERROR hook, log and 8081 monitors', async () => {
    const started = await server(0);
    const { endpoint, lines } = open(started.endpointUrl);
    await waitForState(endpoint.connection, 'connected');
    const status = opcuaStatusSource(endpoint.connection);
    const problems: { problem: string; state: string }[] = [];
    const stop = status.onChange((_status, problem) => { if (problem) problems.push({ problem, state: endpoint.connection.state }); });
    const fixture = await startEndpoint({ dialect: createOpcuaServerDialect, sources: { opcua: endpoint } });
    fixtures.push(fixture);
    const client = await TestClient.open(fixture.url, { protocols: 'json' });
    clients.push(client);
    client.send({ Header: { MessageType: 'MONITORSTART_REQUEST', ClientHandle: 'm1' }, Body: { Variable: 'Precise' } });
    assert.equal((await client.nextJson<Answer>(10_000)).Body, '');
    assert.equal((await client.nextJson<Answer>(10_000)).Header.MessageType, 'MONITORUPDATE_MESSAGE');

    const shutdown = started.server.shutdown(6000);
    await waitFor(() => endpoint.connection.shutdownNotice !== undefined, 'the shutdown notice', 5000);
    assert.equal(endpoint.connection.state, 'connected', 'announced before the socket drops');
    assert.match(endpoint.connection.shutdownNotice ?? '', /^server shutting down in [1-6] s$/);
    assert.equal(status.status.fill, 'yellow');
    assert.match(String(status.status.text), /^OPC UA server shutting down in [1-6] s$/);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].state, 'connected');
    assert.equal(lines.filter((line) => /shutting down/.test(line)).length, 1);
    const notice = await client.nextJson<Answer>(5000);
    assert.deepEqual(notice, { Header: { MessageType: 'MONITORUPDATE_MESSAGE', ClientHandle: 'm1', StatusCode: 'BadShutdown' } });
    await shutdown;
    await waitFor(() => endpoint.connection.state !== 'connected', 'the drop after the announced time', 15_000);
    const lost = await client.nextJson<Answer>(10_000);
    assert.equal(lost.Header.StatusCode, 'BadNotConnected');
    stop();
  });
});
