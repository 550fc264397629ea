import { FlowTagSource, TagSpace, type TagSpaceOptions } from '../../lib/tags';

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
      historySize: positiveInteger(settings.wsGatewayServerHistorySize),
      historyBytesPerTag: positiveInteger(settings.wsGatewayServerHistoryBytesPerTag),
      historyBytesTotal: positiveInteger(settings.wsGatewayServerHistoryBytesTotal),
      maxValueBytes: positiveInteger(settings.wsGatewayServerMaxValueBytes),
    };
    const space = new TagSpace(options);
    const flowTags = new FlowTagSource({ maxValueBytes: space.maxValueBytes });
    space.addSource(flowTags);
    runtime = { space, flowTags };
  }
  return runtime;
}

function positiveInteger(value: unknown): number | undefined {
  const number = Number(value);
  return value !== undefined && value !== null && value !== '' && Number.isInteger(number) && number > 0 ? number : undefined;
}
