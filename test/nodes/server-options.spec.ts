import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GatewayServerNode } from '../../nodes/shared/server-node';
import { serverNode } from '../fixtures/flows/raw-flows';
import { helper, load, useNodeRed } from '../support/node-red';

/** The endpoint limits a deployed ws-gateway-server node ended up with. */
function deployedLimits(): NonNullable<GatewayServerNode['endpoint']>['limits'] {
  const endpoint = (helper.getNode('srv') as unknown as GatewayServerNode).endpoint;
  assert.ok(endpoint, 'the server node built its endpoint');
  return endpoint.limits;
}

describe('ws-gateway-server reads its numeric fields with one rule (real Node-RED)', () => {
  useNodeRed();

  it('regression: empty fields mean the defaults; an empty heartbeat no longer switches the heartbeat off', async () => {
    // Before, the server's nonNegative('') read an empty heartbeat field as 0 (off), while the same helper
    // in the Modbus node used the default.
    await load([{ id: 'flow', type: 'tab' }, serverNode({
      maxFrameBytes: '', maxClients: '', maxInFlight: '', outboundBudgetBytes: '', overBudgetCloseSeconds: '', pingIntervalSeconds: '',
    })]);
    const limits = deployedLimits();
    assert.equal(limits.pingIntervalMs, 30_000);
    assert.equal(limits.maxClients, 100);
    assert.equal(limits.maxInFlight, 16);
    assert.equal(limits.outboundBudgetBytes, 1024 * 1024);
    assert.equal(limits.overBudgetCloseMs, 10_000);
    assert.equal(limits.maxFrameBytes, 1024 * 1024, "an empty frame limit is the raw dialect's own default");
  });

  it('a typed 0 turns the heartbeat off; unreadable and out-of-range values fall back', async () => {
    await load([{ id: 'flow', type: 'tab' }, serverNode({ pingIntervalSeconds: '0', maxClients: '-5', maxInFlight: 'many', outboundBudgetBytes: '2.5' })]);
    const limits = deployedLimits();
    assert.equal(limits.pingIntervalMs, 0);
    assert.equal(limits.maxClients, 100);
    assert.equal(limits.maxInFlight, 16);
    assert.equal(limits.outboundBudgetBytes, 1024 * 1024);
  });
});
