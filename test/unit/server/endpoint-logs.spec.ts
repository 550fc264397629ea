import assert from 'node:assert/strict';
import { after, afterEach, describe, it, mock } from 'node:test';
import { waitFor } from '../../support/wait';
import { TestClient } from '../../support/ws-client';
import { endpointPool } from './endpoint-fixture';
import { createEvokDialect } from '../../../lib/dialects/evok';

const { start: endpoint, closeAll } = endpointPool();

describe('endpoint logs', () => {
  after(closeAll);
  afterEach(() => mock.timers.reset());

  it('regression: a refused 1 MB frame logs one short line, not the frame', async () => {
    const fixture = await endpoint({ dialect: createEvokDialect });
    const before = fixture.warnings.length;
    const client = await TestClient.open(fixture.url);
    client.send(JSON.stringify({ cmd: 'x'.repeat(1_000_000) }));
    await waitFor(() => fixture.deliveries.some((delivery) => delivery.hook === 'ERROR'), 'the refusal');
    const lines = fixture.warnings.slice(before);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /unknown-type: unknown cmd "x+… \[\d[\d,]* more characters cut\]$/);
    assert.ok(lines[0].length <= 300, `${lines[0].length} characters`);
    await client.close();
  });

  it('regression: 10,000 refused frames of one client log a few lines and one count of the rest', async () => {
    // Only Date is mocked: the limiter's windows stand still while real sockets and timers run.
    mock.timers.enable({ apis: ['Date'], now: Date.now() });
    const fixture = await endpoint({ dialect: createEvokDialect });
    const before = fixture.warnings.length;
    const client = await TestClient.open(fixture.url);
    for (let i = 0; i < 10_000; i++) client.send(`{"cmd":"nope-${i}"}`);
    await waitFor(() => fixture.deliveries.filter((delivery) => delivery.hook === 'ERROR').length === 10_000, 'every refusal', 20_000);
    assert.equal(fixture.warnings.length - before, 5, 'five lines, the rest counted');
    await client.close();
    await waitFor(() => fixture.endpoint.clientCount === 0, 'client gone');
    const lines = fixture.warnings.slice(before);
    assert.equal(lines.length, 6);
    assert.match(lines[5], /^client 127\.0\.0\.1:\d+ on 127\.0\.0\.1:\d+: unknown-type: … 9,995 more in 1 s$/);
  });
});
