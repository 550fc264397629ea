import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FlowNode } from '../fixtures/flows/raw-flows';

export interface ExampleFlow {
  flow: FlowNode[];
  /** Per node id, as Node-RED keeps credentials apart from the flow. */
  credentials: Record<string, Record<string, string>>;
}

export interface ExampleOptions {
  /**
   * Made loadable by node-red-node-test-helper, which has only this package's nodes: debug nodes become
   * helper nodes (same ids, so tests can listen on them), inject and comment nodes go (tests inject).
   */
  helperNodes?: boolean;
  /** Where the example's ws-gateway-client nodes connect instead of the demo (e.g. ws://127.0.0.1:PORT). */
  clientBase?: string;
}

/** An example flow of `examples/` as a test or benchmark loads it. */
export function readExample(file: string, options: ExampleOptions = {}): ExampleFlow {
  const nodes = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'examples', file), 'utf8')) as FlowNode[];
  const credentials: ExampleFlow['credentials'] = {};
  const flow: FlowNode[] = [];
  for (const { credentials: nodeCredentials, ...node } of nodes) {
    if (nodeCredentials) credentials[node.id] = nodeCredentials as Record<string, string>;
    if (options.helperNodes && (node.type === 'inject' || node.type === 'comment')) continue;
    const copy: FlowNode = { ...node };
    if (options.helperNodes && copy.type === 'debug') copy.type = 'helper';
    if (options.clientBase && copy.type === 'ws-gateway-client') copy.url = `${options.clientBase}${new URL(String(copy.url)).pathname}`;
    flow.push(copy);
  }
  return { flow, credentials };
}
