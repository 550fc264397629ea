import type { DialectFactory } from './contract';
import { createEvokDialect, type EvokSources } from './evok';
import { createOpcuaGatewayDialect, type OpcuaGatewaySources } from './opcua-gateway';
import { createOpcuaServerDialect, type OpcuaServerSources } from './opcua-server';
import { createRawDialect } from './raw';
import { createWinccoaDialect } from './winccoa';
import { createZatoDialect } from './zato';

/** Every connection a built-in dialect may be given: what a server node resolves from its fields. */
export type BuiltinSources = EvokSources & OpcuaServerSources & OpcuaGatewaySources;

/**
 * The dialects of this package by the name a server node stores. Fixed: the server node offers exactly
 * these names, so an unknown name in an old flow gives a clear error instead of a silent raw endpoint.
 * The table stays inside this module, so nothing can add to it; a dialect of one's own needs no entry
 * here: hand its factory to a GatewayEndpoint (test/unit/dialects/toy shows one).
 */
const builtin: ReadonlyMap<string, DialectFactory<BuiltinSources>> = new Map<string, DialectFactory<BuiltinSources>>([
  ['raw', createRawDialect],
  ['winccoa', createWinccoaDialect],
  ['zato', createZatoDialect],
  ['opcua-gateway', createOpcuaGatewayDialect],
  ['evok', createEvokDialect],
  ['opcua-server', createOpcuaServerDialect],
]);

/** The factory of a built-in dialect, or undefined for a name this package does not know. */
export function builtinDialect(name: string): DialectFactory<BuiltinSources> | undefined {
  return builtin.get(name);
}
