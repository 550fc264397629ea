export * from './types';
export { TagSpace, defaultTagSpaceOptions, type HistoryStats, type TagSpaceOptions } from './tag-space';
export { measureValue, valueProblem, DEFAULT_MAX_VALUE_BYTES, type ValueMeasure, type ValueProblem } from './value-size';
export { FlowTagSource, FLOW_TAG_SOURCE_ID } from './flow-tag-source';
export { HistoryRing } from './history-ring';
export { compilePattern, type NameMatcher } from './tag-pattern';
export * from './write-outcome';
