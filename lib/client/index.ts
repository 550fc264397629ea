export { GatewayClient, type ClientState, type ClientMessageEvent, type ClientCloseEvent, type ServerRequest } from './gateway-client';
export { clientDefaults, ClientCloseCode, type GatewayClientOptions, type ClientMode, type DataFormat, type ClientTls, type ClientLogger } from './client-options';
export { InvokeStatusError, type InvokeReply } from './pending-replies';
export { ClientClosedError, ConnectionLostError, InvokeTimeoutError, InvokeUnsupportedError, NotConnectedError } from './client-errors';
export { Backoff, type BackoffOptions } from './backoff';
export { Heartbeat } from './heartbeat';
export { connectContext, messageContext, closeContext, type HookContext } from './hook-context';
export { zatoTimestamp, zatoId, defaultClientId, parseZatoFrame, ZatoMsgType, ZatoAction, FORBIDDEN_TEXT, type ZatoFrame, type ZatoMeta } from '../zato/wire';
export { isRecord } from '../util/is-record';
