import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { GatewayEndpoint } from '../../../../lib/server';
import { FlowTagSource, TagSpace } from '../../../../lib/tags';
import { TestClient } from '../../../support/ws-client';
import { createUpperEchoDialect } from './upper-echo-dialect';

describe('a dialect of one\'s own (the upper-echo toy): handed to an endpoint through its options', () => {
  let endpoint: GatewayEndpoint;
  let client: TestClient;

  before(async () => {
    const tags = new TagSpace();
    const flowTags = new FlowTagSource();
    tags.addSource(flowTags);
    flowTags.publish('line1/speed', 42);
    // No registry and no name: the factory itself is the dialect option.
    endpoint = new GatewayEndpoint({ id: 'toy', listen: { kind: 'port', host: '127.0.0.1', port: 0 }, dialect: createUpperEchoDialect }, tags);
    await endpoint.start();
    client = await TestClient.open(`ws://127.0.0.1:${endpoint.port ?? 0}/`, { protocols: 'upper-echo' });
  });

  after(async () => {
    await client.close();
    await endpoint.close();
  });

  it('negotiates its subprotocol and echoes text in upper case', async () => {
    assert.equal(client.ws.protocol, 'upper-echo');
    client.send('hello, gateway');
    assert.equal(await client.nextText(), 'HELLO, GATEWAY');
  });

  it('reads a tag of the tag space', async () => {
    client.send('read line1/speed');
    assert.equal(await client.nextText(), 'line1/speed = 42');
  });

  it('answers an unknown tag and a binary frame with its own error, and the client stays connected', async () => {
    client.send('read nowhere');
    assert.match(await client.nextText(), /^error internal: .*nowhere/);
    client.send(Buffer.from([1, 2, 3]));
    assert.equal(await client.nextText(), 'error bad-frame: binary frame: this dialect takes text');
    client.send('still here');
    assert.equal(await client.nextText(), 'STILL HERE');
  });

  it('encodes what a flow broadcasts', async () => {
    assert.equal(endpoint.broadcast('from a flow'), 1);
    assert.equal(await client.nextText(), 'FROM A FLOW');
  });
});
