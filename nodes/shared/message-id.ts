import { randomHex } from '../../lib/util/random-hex';

/**
 * A `_msgid` for a message a node creates, of the same form as Node-RED's own (16 hex digits). Given
 * here because Node-RED makes one for every new message from sixteen Math.random calls and string
 * joins: a few microseconds each, visible at the rates of a busy gateway.
 */
export function messageId(): string {
  return randomHex(8);
}
