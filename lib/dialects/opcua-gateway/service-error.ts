import { StatusCodes, type StatusCode } from 'node-opcua';
import { messageOf } from '../../util/errors';

interface FaultLike {
  response?: { responseHeader?: { serviceResult?: StatusCode } };
}

/**
 * The StatusCode a failed node-opcua call stands for: the ServiceFault's service result when the server
 * answered, BadTimeout for a timeout, a Bad... name in the message, else BadCommunicationError.
 */
export function statusOfError(error: unknown): StatusCode {
  const result = (error as FaultLike | undefined)?.response?.responseHeader?.serviceResult;
  if (result && result.value !== 0) return result;
  const message = messageOf(error);
  if (/timeout|timed out/i.test(message)) return StatusCodes.BadTimeout;
  const named = /\b(Bad[A-Za-z]+)\b/.exec(message);
  if (named) {
    const code = (StatusCodes as unknown as Record<string, StatusCode | undefined>)[named[1]];
    if (code) return code;
  }
  return StatusCodes.BadCommunicationError;
}
