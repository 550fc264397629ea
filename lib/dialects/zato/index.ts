export { createZatoDialect, zatoMaxFrameBytes } from './zato-dialect';
