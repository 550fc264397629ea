import { FlowTagSource, TagSpace } from '../../../lib/tags';
import { GatewayEndpoint, type EndpointOptions, type HookDelivery } from '../../../lib/server';
import { createRawDialect } from '../../../lib/dialects/raw';

export interface Fixture {
  endpoint: GatewayEndpoint;
  tags: TagSpace;
  flowTags: FlowTagSource;
  url: string;
  port: number;
  deliveries: HookDelivery[];
  warnings: string[];
}

/** An endpoint on its own ephemeral port, with a hook that records every event. */
export async function startEndpoint<Sources extends object = object>(options: Partial<EndpointOptions<Sources>> = {}): Promise<Fixture> {
  const tags = new TagSpace({ historySize: 10 });
  const flowTags = new FlowTagSource();
  tags.addSource(flowTags);
  const warnings: string[] = [];
  const endpoint = new GatewayEndpoint<Sources>({
    id: 'test-server',
    listen: { kind: 'port', host: '127.0.0.1', port: 0 },
    dialect: createRawDialect,
    log: { info() {}, warn: (text) => warnings.push(text), error: (text) => warnings.push(text) },
    ...options,
  }, tags);
  const deliveries: HookDelivery[] = [];
  endpoint.hooks.register({ events: ['CONNECT', 'MESSAGE', 'CLOSE', 'ERROR'], mode: 'observe', filter: {}, deliver: (delivery) => deliveries.push(delivery) });
  await endpoint.start();
  const port = endpoint.port ?? 0;
  const scheme = options.listen?.kind === 'port' && options.listen.tls ? 'wss' : 'ws';
  return { endpoint, tags, flowTags, url: `${scheme}://127.0.0.1:${port}/`, port, deliveries, warnings };
}

export function sessionIdOf(fixture: Fixture, index = 0): string {
  const connects = fixture.deliveries.filter((delivery) => delivery.hook === 'CONNECT');
  const connect = connects[index];
  if (!connect) throw new Error(`no CONNECT number ${index}`);
  return connect.session.id;
}

/** Endpoints a test file starts, all closed by `closeAll` in its `after` hook. */
export function endpointPool(): { start: typeof startEndpoint; closeAll(): Promise<void> } {
  const started: Fixture[] = [];
  return {
    start: async (options) => {
      const fixture = await startEndpoint(options);
      started.push(fixture);
      return fixture;
    },
    closeAll: async () => { await Promise.all(started.splice(0).map((fixture) => fixture.endpoint.close())); },
  };
}
