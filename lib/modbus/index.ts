export * from './profile';
export * from './circuits';
export * from './plan';
export * from './line';
export * from './gateway';
export { ModbusTagSource } from './tag-source';
