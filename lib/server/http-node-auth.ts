import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import bcrypt from 'bcryptjs';
import { presentedCredentials, secretsEqual } from '../dialects/contract';

/**
 * Node-RED's `httpNodeAuth` setting: `{user, pass}` with a bcrypt (or legacy 32-character MD5) hash,
 * or Express middleware (a function or an array of them). Node-RED applies it to HTTP routes only;
 * its own WebSocket nodes skip it, so we check it at the upgrade ourselves.
 */
export type HttpNodeAuth = { user: string; pass: string } | Middleware | Middleware[];

type Middleware = (request: IncomingMessage, response: MiddlewareResponse, next: (error?: unknown) => void) => void;

/** The little of Express's response object that authentication middleware uses to refuse. */
interface MiddlewareResponse {
  statusCode: number;
  status(code: number): MiddlewareResponse;
  set(name: string, value: string): MiddlewareResponse;
  setHeader(name: string, value: string): MiddlewareResponse;
  header(name: string, value: string): MiddlewareResponse;
  send(body?: unknown): MiddlewareResponse;
  json(body?: unknown): MiddlewareResponse;
  end(body?: unknown): MiddlewareResponse;
  sendStatus(code: number): MiddlewareResponse;
}

export function isHttpNodeAuth(value: unknown): value is HttpNodeAuth {
  if (typeof value === 'function') return true;
  if (Array.isArray(value)) return value.every((item) => typeof item === 'function');
  return typeof value === 'object' && value !== null && typeof (value as { user?: unknown }).user === 'string' && typeof (value as { pass?: unknown }).pass === 'string';
}

/** Resolves true when the upgrade request passes `httpNodeAuth`. */
export async function passesHttpNodeAuth(request: IncomingMessage, auth: HttpNodeAuth): Promise<boolean> {
  if (typeof auth === 'function' || Array.isArray(auth)) {
    const chain = Array.isArray(auth) ? auth : [auth];
    for (const middleware of chain) if (!(await runMiddleware(middleware, request))) return false;
    return true;
  }
  const presented = presentedCredentials(request);
  if (presented.user === undefined || presented.password === undefined) return false;
  if (!secretsEqual(presented.user, auth.user)) return false;
  if (auth.pass.length === 32) {
    const md5 = createHash('md5').update(presented.password, 'utf8').digest('hex');
    return secretsEqual(md5, auth.pass);
  }
  return bcrypt.compare(presented.password, auth.pass);
}

/** Runs one middleware: passing means it called next() without an error before answering. */
function runMiddleware(middleware: Middleware, request: IncomingMessage): Promise<boolean> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (passed: boolean): void => {
      if (settled) return;
      settled = true;
      resolve(passed);
    };
    const refuse = (): MiddlewareResponse => {
      settle(false);
      return response;
    };
    const response: MiddlewareResponse = {
      statusCode: 200,
      status: (code) => { response.statusCode = code; return response; },
      set: () => response,
      setHeader: () => response,
      header: () => response,
      send: refuse,
      json: refuse,
      end: refuse,
      sendStatus: refuse,
    };
    try {
      middleware(request, response, (error?: unknown) => settle(error === undefined || error === null));
    } catch {
      settle(false);
    }
  });
}
