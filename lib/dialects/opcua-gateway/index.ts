export { createOpcuaGatewayDialect, invalidEnvelopeCloseCode } from './gateway-dialect';
export type { OpcuaGatewaySources } from './sources';
