export * from './types';
export { TagSpace, type TagSpaceOptions } from './tag-space';
export { FlowTagSource, FLOW_TAG_SOURCE_ID } from './flow-tag-source';
export { HistoryRing } from './history-ring';
export { compilePattern, type NameMatcher } from './tag-pattern';
export * from './write-outcome';
