import { FlowTagSource, TagSpace, type TagSpaceOptions } from '../../lib/tags';
import { readInteger } from '../../lib/util/options';

/**
 * The one tag space of this Node-RED runtime: every server, dialect and source shares it, so a value a
 * flow publishes reaches the clients of every dialect. It outlives redeploys, as flow context does.
 */
export interface RuntimeTags {
  space: TagSpace;
  flowTags: FlowTagSource;
}

/** The settings.js entries of the tag space; a missing or invalid one keeps its default. */
export interface TagSettings {
  wsGatewayServerHistorySize?: unknown;
  wsGatewayServerHistoryBytesPerTag?: unknown;
  wsGatewayServerHistoryBytesTotal?: unknown;
  wsGatewayServerMaxValueBytes?: unknown;
}

let runtime: RuntimeTags | undefined;

export function runtimeTags(settings: TagSettings): RuntimeTags {
  if (!runtime) {
    const options: TagSpaceOptions = {
      historySize: readInteger(settings.wsGatewayServerHistorySize, { fallback: undefined, min: 1 }),
      historyBytesPerTag: readInteger(settings.wsGatewayServerHistoryBytesPerTag, { fallback: undefined, min: 1 }),
      historyBytesTotal: readInteger(settings.wsGatewayServerHistoryBytesTotal, { fallback: undefined, min: 1 }),
      maxValueBytes: readInteger(settings.wsGatewayServerMaxValueBytes, { fallback: undefined, min: 1 }),
    };
    const space = new TagSpace(options);
    const flowTags = new FlowTagSource({ maxValueBytes: space.maxValueBytes });
    space.addSource(flowTags);
    runtime = { space, flowTags };
  }
  return runtime;
}
