/**
 * The dialect contract: everything a dialect and the server agree on, and nothing else. Dialects
 * import only this (plus lib/tags, lib/util and their own connections); the server implements it and
 * is handed a DialectFactory. This module imports neither the server nor any dialect.
 */
export {
  authenticate, checkCredentials, parseUserList, presentedCredentials, secretsEqual,
  type AuthPolicy, type AuthResult, type PresentedCredentials, type UpgradeLike,
} from './auth';
export type { DialectContext, DialectFactory, DialectLogger } from './context';
export type { DecodeResult, Dialect, DialectError, DialectErrorCode, DialectMessage, ReplyContext } from './dialect';
export { frameMessage, frameTextParts, type OutgoingFrame } from './frame';
export { defaultDialectLimits, type DialectLimits } from './limits';
export { CloseCode, type DialectSession, type SessionInfo, type UpgradeRequest } from './session';
