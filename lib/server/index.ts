export { GatewayEndpoint, SessionClosedError } from './endpoint';
export { defaultLimits, type EndpointLimits, type EndpointOptions, type EndpointSettings, type ListenOn, type VerifyClient, type EndpointLogger } from './endpoint-options';
// The authentication policy is part of the dialect contract (dialects check it too); offered here for nodes.
export { authenticate, checkCredentials, parseUserList, presentedCredentials, type AuthPolicy, type AuthResult } from '../dialects/contract';
export { isHttpNodeAuth, type HttpNodeAuth } from './http-node-auth';
export { HookBus, type HookDelivery, type HookEvent, type HookFilter, type HookMode, type HookRegistration } from './hooks';
export { ClientSession } from './session';
export { CloseCode, frameMessage, type SessionInfo, type UpgradeRequest } from '../dialects/contract';
export { PathTakenError } from './upgrade-router';
