import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GatewayServerNode } from '../../nodes/shared/server-node';
import { helperNode, inNode, serverNode } from '../fixtures/flows/raw-flows';
import { collect, helper, load, useNodeRed, wsUrl } from '../support/node-red';
import { waitFor } from '../support/wait';

interface LogEntry { level: number; id?: string; msg?: unknown }

/** What Node-RED logged at error level for one node. */
function errorsOf(id: string): string[] {
  const spy = helper.log() as unknown as { args: Array<[LogEntry]> };
  return spy.args.map(([entry]) => entry).filter((entry) => entry.id === id && entry.level === 20).map((entry) => String(entry.msg));
}

/** A filter far over the pattern limits, as a flow author could type or paste it. */
const hugeFilter = Array.from({ length: 300 }, () => 'a*').join(',');

describe('pattern limits of flow patterns (node start)', () => {
  const { open } = useNodeRed();

  it('a ws-gateway-in filter over the limits is an error at start; the node receives nothing, the server serves on', async () => {
    await load([
      { id: 'flow', type: 'tab' },
      serverNode(),
      inNode('bad', { filterTopic: hugeFilter }, ['badSink']),
      inNode('good', {}, ['goodSink']),
      helperNode('badSink'),
      helperNode('goodSink'),
    ]);
    const bad = collect('badSink');
    const good = collect('goodSink');
    // The helper loads no message catalogs, so the key stands for the text (locales/en-US: "filter not usable ...").
    assert.deepEqual(errorsOf('bad'), ['ws-gateway-in.errors.bad-filter']);
    assert.deepEqual(errorsOf('good'), []);
    const client = await open(wsUrl('/gw'));
    client.send({ a: 1 });
    await waitFor(() => good.length === 2, 'CONNECT and MESSAGE at the good node');
    assert.deepEqual(bad, []);
  });

  it('a rawTags pattern over the limits stops the server node with a clear failure', async () => {
    await load([{ id: 'flow', type: 'tab' }, serverNode({ rawTags: 'a'.repeat(2000) })]);
    const server = helper.getNode('srv') as unknown as GatewayServerNode;
    assert.equal(server.endpoint, undefined);
    assert.equal(server.failure, 'pattern of 2000 characters (at most 1024)');
  });
});
