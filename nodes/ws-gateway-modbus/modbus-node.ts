import type { Node } from 'node-red';
import type { ModbusGateway } from '../../lib/modbus';
import type { StatusSource } from '../shared/source-status';

/** What a ws-gateway-server needs of a ws-gateway-modbus node. */
export interface ModbusConfigNode extends Node {
  /** Undefined when the configuration could not be used (the node logged why). */
  gateway: ModbusGateway | undefined;
  statusSource: StatusSource;
}
