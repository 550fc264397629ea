export { OpcuaConnection, type OpcuaConnectionOptions, type OpcuaConnectionState, type WriteTimestamps } from './connection';
export { OpcuaEndpoint, type OpcuaEndpointOptions } from './opcua-endpoint';
export { adoptEarlierPki, earlierPkiFolders, sharedPkiFolder } from './pki-folder';
export { OpcuaTagSource, DEFAULT_SAMPLING_INTERVAL } from './tag-source';
export { parseVariableList, type OpcuaVariable, type ParsedVariableList } from './variable-list';
export { VariableTypes, type VariableType } from './variable-types';
export { OpcuaStatusError, notConnected, statusOf } from './status';
export { parseNodeId, isNodeIdText } from './node-ids';
export { toTagValue, toVariant, plainValue, qualityOf } from './values';
export { historyReadRaw } from './history';
export type { DataChangeListener, MonitorHandle, NodeTarget } from './monitored-items';
export {
  SECURITY_MODES, SECURITY_POLICIES, RSA15_FLAG, isSecurityMode, isSecurityPolicy, policyUnavailableReason, rsa15Available,
  type OpcuaIdentity, type SecurityModeName, type SecurityPolicyName,
} from './security';
