import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ModbusGateway } from '../../modbus';

/** A handler of plain HTTP requests in the style of connect/express middleware. */
export type HttpHandler = (request: IncomingMessage, response: ServerResponse, next: () => void) => void;

/** Lets a dialect serve HTTP beside its WebSocket (EVOK's REST API); `mount` returns the remover. */
export interface EvokHttpRoutes {
  mount(handler: HttpHandler): () => void;
}

/** The connections an evok endpoint serves; the caller passes them in DialectContext.sources. */
export interface EvokSources {
  /** The ws-gateway-modbus connection whose circuits an evok server serves. */
  modbus: ModbusGateway;
  /** Node-RED's HTTP routes (httpNode), when the server listens on a path of Node-RED's server. */
  evokHttp: EvokHttpRoutes;
}
