export { GatewayEndpoint, SessionClosedError } from './endpoint';
export { defaultLimits, type EndpointLimits, type EndpointOptions, type ListenOn, type VerifyClient, type EndpointLogger } from './endpoint-options';
export { authenticate, checkCredentials, parseUserList, presentedCredentials, type AuthPolicy, type AuthResult } from './auth';
export { isHttpNodeAuth, type HttpNodeAuth } from './http-node-auth';
export { HookBus, type HookDelivery, type HookEvent, type HookFilter, type HookMode, type HookRegistration } from './hooks';
export { ClientSession, CloseCode, type SessionInfo, type UpgradeRequest } from './session';
export { frameMessage } from './frame';
export { PathTakenError } from './upgrade-router';
