export { MqttBridge, type BridgeLog, type BridgeState } from './bridge';
export { defaultBridgeOptions, isBrokerUrl, type BridgeDirection, type MqttBridgeOptions } from './bridge-options';
export { RemoteTagSource, STATUS_BROKER_UNREACHABLE, STATUS_OWNER_OFFLINE } from './remote-tag-source';
export { Topics, TopicError, encodeTag, decodeTag } from './topics';
export type { TagMessage, InstanceMessage, Reply } from './payload';
