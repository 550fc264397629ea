export { createRawDialect } from './raw-dialect';
