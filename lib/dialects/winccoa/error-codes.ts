import { TagError } from '../../tags';
import { messageOf } from '../../util/errors';

/**
 * Error numbers of results (docs/protocols/winccoa.md, 'Errors'). Negative, so they never collide with WinCC
 * OA's own positive error numbers; 0 and -2 are what the original itself sent.
 */
export const WinccoaError = {
  ok: 0,
  /** The underlying call was refused or failed unexpectedly. */
  refused: -1,
  /** None of the named elements exists. */
  noElements: -2,
  /** Invalid argument: missing or ill-typed field, bad time, bad Id, unsupported Value. */
  badArgument: -3,
  /** Query not understood or not supported. */
  badQuery: -4,
  /** Write refused: tag read-only or user lacks permission. */
  writeRefused: -5,
  /** The source failed: read error, disconnected; for DpSet: nothing of the request was written. */
  sourceFailure: -6,
  /**
   * DpSet only: the request may have been executed, in part or in whole (a write was sent and not
   * answered, or some values were written and others not). Read the values back before retrying.
   */
  writeOutcomeUnknown: -7,
} as const;

export type WinccoaErrorCode = (typeof WinccoaError)[keyof typeof WinccoaError];

/** A failure that becomes a result with a non-zero Error and an ErrorText. */
export class WinccoaFailure extends Error {
  constructor(readonly code: WinccoaErrorCode, message: string) {
    super(message);
    this.name = 'WinccoaFailure';
  }
}

/** Maps whatever a tag-space call threw onto the protocol's error numbers. */
export function failureOf(error: unknown): WinccoaFailure {
  if (error instanceof WinccoaFailure) return error;
  const message = messageOf(error);
  if (error instanceof TagError) {
    switch (error.code) {
      case 'unknown-tag': return new WinccoaFailure(WinccoaError.noElements, message);
      case 'read-only': return new WinccoaFailure(WinccoaError.writeRefused, message);
      case 'bad-value': return new WinccoaFailure(WinccoaError.badArgument, message);
      case 'write-unknown': return new WinccoaFailure(WinccoaError.writeOutcomeUnknown, message);
      default: return new WinccoaFailure(WinccoaError.sourceFailure, message);
    }
  }
  return new WinccoaFailure(WinccoaError.sourceFailure, message);
}
