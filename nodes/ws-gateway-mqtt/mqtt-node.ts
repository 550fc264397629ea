import type { Node } from 'node-red';
import type { MqttBridge } from '../../lib/mqtt';

/** Secrets of a ws-gateway-mqtt node, kept in Node-RED's credential store. */
export interface MqttNodeCredentials {
  user?: string;
  password?: string;
}

/** A ws-gateway-mqtt config node: the link of this instance's tag space to the shared namespace. */
export interface MqttConfigNode extends Node<MqttNodeCredentials> {
  /** Undefined when the configuration could not be used (the node logged why). */
  bridge: MqttBridge | undefined;
}
