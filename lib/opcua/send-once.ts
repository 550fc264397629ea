import { StatusCodes, type ClientSession, type StatusCode } from 'node-opcua';
import { NOT_EXECUTED, OUTCOME_UNKNOWN } from '../tags/write-outcome';
import { OpcuaStatusError } from './status';

/** What node-opcua's ClientSession has beside its public type: the single-attempt transaction. */
interface SingleAttempt {
  isChannelValid(): boolean;
  _performMessageTransaction(request: object, callback: (error: Error | null, response?: object) => void): void;
}

interface Answered {
  responseHeader?: { serviceResult?: StatusCode };
}

function hasSingleAttempt(session: ClientSession): session is ClientSession & SingleAttempt {
  const candidate = session as Partial<SingleAttempt>;
  return typeof candidate._performMessageTransaction === 'function' && typeof candidate.isChannelValid === 'function';
}

/**
 * Sends one service request exactly once. node-opcua's session.performMessageTransaction (behind
 * session.write, session.call ...) parks a request made while the channel is down and sends it after the
 * reconnection, and sends a request again that the server answered with BadSessionIdInvalid once a new
 * session exists: a write whose client was told it failed could then run half a minute later. The
 * session's single-attempt transaction underneath does neither.
 *
 * Failures carry their outcome: not sent (the channel is down) -> BadNotConnected, `failed`; the server
 * answered with a bad service result -> that status, `failed` (the server refused the whole request); sent
 * and not answered (timeout, the channel broke meanwhile) -> BadTimeout, `unknown`: the server may have
 * executed it.
 */
export function sendOnce<T extends object>(session: ClientSession, request: object, what: string): Promise<T> {
  if (!hasSingleAttempt(session)) {
    return Promise.reject(new OpcuaStatusError(StatusCodes.BadInternalError, `${what}: this node-opcua session cannot send a request only once; ${NOT_EXECUTED}`));
  }
  if (!session.isChannelValid()) return Promise.reject(new OpcuaStatusError(StatusCodes.BadNotConnected, `${what}: the secure channel is down; ${NOT_EXECUTED}`));
  return new Promise<T>((resolve, reject) => {
    let sending = true;
    session._performMessageTransaction(request, (error, response) => {
      const answer = (response ?? (error as (Error & { response?: object }) | null)?.response) as Answered | undefined;
      const serviceResult = answer?.responseHeader?.serviceResult;
      if (!error && response) resolve(response as T);
      else if (serviceResult && serviceResult.isNotGood()) reject(new OpcuaStatusError(serviceResult, `${what}: ${serviceResult.name}; ${NOT_EXECUTED}`));
      // Refused before anything left (node-opcua calls back at once when it cannot send).
      else if (sending) reject(new OpcuaStatusError(StatusCodes.BadNotConnected, `${what}: ${error?.message ?? 'not sent'}; ${NOT_EXECUTED}`));
      else reject(new OpcuaStatusError(StatusCodes.BadTimeout, `${what}: ${error?.message ?? 'no response'}; ${OUTCOME_UNKNOWN}`, 'unknown'));
    });
    sending = false;
  });
}
