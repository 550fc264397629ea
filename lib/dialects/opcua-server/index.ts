export { createOpcuaServerDialect } from './opcua-server-dialect';
export type { OpcuaServerSources } from './sources';
