export { createEvokDialect } from './evok-dialect';
export type { EvokHttpRoutes, EvokSources, HttpHandler } from './sources';
