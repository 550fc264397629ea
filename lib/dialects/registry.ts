import type { DialectFactory } from './dialect';
import { createOpcuaGatewayDialect } from './opcua-gateway/gateway-dialect';
import { createEvokDialect } from './evok/evok-dialect';
import { createRawDialect } from './raw/raw-dialect';
import { createWinccoaDialect } from './winccoa/winccoa-dialect';
import { createZatoDialect } from './zato/zato-dialect';
import { createOpcuaServerDialect } from './opcua-server/opcua-server-dialect';

/**
 * Dialect name -> factory. Each protocol issue adds its line here; the server node offers exactly
 * these names, so an unknown name in an old flow gives a clear error instead of a silent raw endpoint.
 */
const factories = new Map<string, DialectFactory>([
  ['raw', createRawDialect],
  ['winccoa', createWinccoaDialect],
  ['zato', createZatoDialect],
  ['opcua-gateway', createOpcuaGatewayDialect],
  ['evok', createEvokDialect],
  ['opcua-server', createOpcuaServerDialect],
]);

export function dialectFactory(name: string): DialectFactory | undefined {
  return factories.get(name);
}

/** For dialects defined outside this package (and tests): later registrations of a name win. */
export function registerDialect(name: string, factory: DialectFactory): void {
  factories.set(name, factory);
}
