import { StatusCodes, type StatusCode } from 'node-opcua';
import type { WriteOutcome } from '../tags/write-outcome';
import { messageOf } from '../util/errors';

/**
 * A failure that carries the OPC UA status a dialect answers with, and for a request that changes
 * something whether it may have taken effect (`unknown`: sent, not answered; then the status is BadTimeout).
 */
export class OpcuaStatusError extends Error {
  constructor(readonly statusCode: StatusCode, message?: string, readonly outcome: WriteOutcome = 'failed') {
    super(message ?? statusCode.name);
    this.name = 'OpcuaStatusError';
  }
}

export function notConnected(detail = 'not connected to the OPC UA server'): OpcuaStatusError {
  return new OpcuaStatusError(StatusCodes.BadNotConnected, detail);
}

/** The status behind any error: its own for OpcuaStatusError, BadNotConnected for lost sessions, else BadInternalError. */
export function statusOf(error: unknown): StatusCode {
  if (error instanceof OpcuaStatusError) return error.statusCode;
  const message = messageOf(error);
  // node-opcua names the service result in its messages (" serviceResult = BadTooManyOperations (0x80100000)").
  const named = /\b(Bad[A-Za-z]+)\b/.exec(message)?.[1];
  const codes = StatusCodes as unknown as Record<string, StatusCode | undefined>;
  if (named && named !== 'BadSessionClosed' && named !== 'BadSessionIdInvalid' && codes[named]) return codes[named] as StatusCode;
  if (/BadSessionClosed|BadSessionIdInvalid|not connected|connection|disconnect|secure channel|socket/i.test(message)) return StatusCodes.BadNotConnected;
  if (/BadTimeout|timeout/i.test(message)) return StatusCodes.BadTimeout;
  return StatusCodes.BadInternalError;
}
