import type { Node } from 'node-red';
import type { ModbusGateway } from '../../lib/modbus';
import type { ConfigHold } from '../shared/config-lease';
import type { StatusSource } from '../shared/source-status';

/** What a ws-gateway-server needs of a ws-gateway-modbus node. */
export interface ModbusConfigNode extends Node {
  /** The running gateway while the node is in use; undefined while unused or misconfigured (the node logged why). */
  gateway: ModbusGateway | undefined;
  /**
   * Opens the line for its first user (an EVOK server, the tag space's users) and keeps it open until
   * the last hold is released; undefined when the configuration could not be used.
   */
  acquire(): ConfigHold<ModbusGateway> | undefined;
  statusSource: StatusSource;
}
