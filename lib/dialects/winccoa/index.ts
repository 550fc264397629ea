export { createWinccoaDialect } from './winccoa-dialect';
