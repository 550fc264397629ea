/** Errors of the outgoing connection; each names what happened so a Catch node can tell them apart. */

export class NotConnectedError extends Error {
  constructor(url: string, waitedMs: number) {
    super(`not connected to ${url} (waited ${waitedMs} ms)`);
    this.name = 'NotConnectedError';
  }
}

export class ConnectionLostError extends Error {
  constructor(readonly code: number, readonly reason: string) {
    super(`connection lost while waiting for the reply (code ${code}${reason ? `, ${reason}` : ''})`);
    this.name = 'ConnectionLostError';
  }
}

export class ClientClosedError extends Error {
  constructor() {
    super('the connection was closed (stopped or redeployed)');
    this.name = 'ClientClosedError';
  }
}

export class InvokeTimeoutError extends Error {
  constructor(readonly id: string, readonly timeoutMs: number) {
    super(`no reply to ${id} within ${timeoutMs} ms`);
    this.name = 'InvokeTimeoutError';
  }
}

export class InvokeUnsupportedError extends Error {
  constructor() {
    super('invoke needs a connection in Zato mode, or a correlation field in plain mode: otherwise there is no way to tell which frame is the reply (use send)');
    this.name = 'InvokeUnsupportedError';
  }
}
