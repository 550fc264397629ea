import { FlowTagSource, TagSpace } from '../../lib/tags';

/**
 * The one tag space of this Node-RED runtime: every server, dialect and source shares it, so a value a
 * flow publishes reaches the clients of every dialect. It outlives redeploys, as flow context does.
 */
export interface RuntimeTags {
  space: TagSpace;
  flowTags: FlowTagSource;
}

let runtime: RuntimeTags | undefined;

export function runtimeTags(settings: { wsGatewayServerHistorySize?: unknown }): RuntimeTags {
  if (!runtime) {
    const configured = Number(settings.wsGatewayServerHistorySize);
    const space = new TagSpace({ historySize: Number.isInteger(configured) && configured > 0 ? configured : 1000 });
    const flowTags = new FlowTagSource();
    space.addSource(flowTags);
    runtime = { space, flowTags };
  }
  return runtime;
}
