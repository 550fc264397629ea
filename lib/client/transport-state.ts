/**
 * The states of the outgoing WebSocket transport, and the only moves between them.
 *
 * ```
 * idle ──start()──▶ connecting ──socket open──▶ handshaking ──protocol ready──▶ open
 * connecting, handshaking, open ──socket closed, retry──▶ waiting-to-retry ──timer──▶ connecting
 * open ──socket closed, auto-reconnect off──▶ down          connecting ──URL refused by ws──▶ down
 * close(): idle, waiting-to-retry, down ──▶ closed    connecting, handshaking, open ──▶ closing ──▶ closed
 * ```
 *
 * - `handshaking`: the socket is open but the protocol has not said it is usable yet (Zato waits for its
 *   create-session reply; plain goes through at once). Frames may be written, callers still wait.
 * - `open`: ready. Callers' frames go out, the heartbeat runs, CONNECT has been emitted.
 * - `waiting-to-retry`: the socket has gone and a timer (back-off) will start the next attempt. The
 *   first connection is always retried; after an established one, only with auto-reconnect on.
 * - `down`: gone with no retry (auto-reconnect off, or a URL `ws` refuses); waiting callers fail at once.
 * - `closing` / `closed`: `close()` was called (node stopped or redeployed): nothing reconnects again.
 */
export type TransportState = 'idle' | 'connecting' | 'handshaking' | 'open' | 'waiting-to-retry' | 'down' | 'closing' | 'closed';

const moves: Readonly<Record<TransportState, readonly TransportState[]>> = {
  idle: ['connecting', 'closed'],
  connecting: ['handshaking', 'waiting-to-retry', 'down', 'closing'],
  handshaking: ['open', 'waiting-to-retry', 'closing'],
  open: ['waiting-to-retry', 'down', 'closing'],
  'waiting-to-retry': ['connecting', 'closed'],
  down: ['closed'],
  closing: ['closed'],
  closed: [],
};

/** True when the table above allows the move. */
export function canMove(from: TransportState, to: TransportState): boolean {
  return moves[from].includes(to);
}

/** What nodes show as status (green / yellow / red / grey): coarser than the transport's own states. */
export type ClientState = 'connecting' | 'connected' | 'disconnected' | 'auth-failed' | 'stopped';

/**
 * The status a transport state shows. `refused` is true while the peer refuses our credentials (in the
 * attempt in hand or the run of attempts since the last success): retrying does not fix that, so the
 * status stays "authentication failed" through the retries instead of flickering to "connecting".
 */
export function clientStateOf(state: TransportState, refused: boolean): ClientState {
  switch (state) {
    case 'open':
      return 'connected';
    case 'connecting':
    case 'handshaking':
    case 'waiting-to-retry':
      if (refused) return 'auth-failed';
      return state === 'waiting-to-retry' ? 'disconnected' : 'connecting';
    case 'idle':
    case 'down':
      return 'disconnected';
    case 'closing':
    case 'closed':
      return 'stopped';
  }
}
