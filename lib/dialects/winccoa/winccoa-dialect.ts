import { authenticate, presentedCredentials, type DialectSession, type DecodeResult, type Dialect, type DialectContext, type DialectError, type DialectMessage, type OutgoingFrame } from '../contract';
import { decodeFrame, isCommandName, type CommandName } from './codec';
import { Datapoints } from './datapoints';
import { GroupConnect } from './dp-connect';
import { ConnectFanouts } from './connect-fanout';
import { dpGet, isCurrentValue } from './dp-get';
import { dpGetPeriod } from './dp-get-period';
import { QueryConnect } from './dp-query-connect';
import { dpSet, dpSetWaits } from './dp-set';
import { defaultConfigs } from './element-name';
import { noneExist, resolveElements, type WinccoaEnvironment } from './environment';
import { failureOf, WinccoaError, WinccoaFailure } from './error-codes';
import { readOptions, type WinccoaOptions } from './options';
import { parseQuery, QueryError, type ParsedQuery } from './query';
import { bodyOf, idOrUndefined, invalid, readFlag, readId, readStringList, type Body } from './request-fields';
import { encodeFailure, encodeResult, type ResultBody } from './results';
import { SocketState } from './socket-state';
import { clip } from '../../util/log-limit';

/** Close code and reasons of a failed login, exactly as the original sent them. */
export const AuthClose = {
  code: 4000,
  missing: 'no username and/or password!',
  invalid: 'invalid username and/or password!',
} as const;

const resultNames: Partial<Record<CommandName, string>> = {
  DpGet: 'DpGetResult',
  DpSet: 'DpSetResult',
  DpConnect: 'DpConnectResult',
  DpQueryConnect: 'DpQueryConnectResult',
  DpGetPeriod: 'DpGetPeriodResult',
};

/**
 * The WinCC OA WebSocket protocol of oa4j-wss (docs/protocols/winccoa.md) over the tag space: every tag of
 * every source is a datapoint element. The client logs in with `?username=&password=` (or Basic auth)
 * after the upgrade; a failed login closes with 4000 and the original's reason.
 */
export function createWinccoaDialect(context: DialectContext): Dialect {
  const options = readOptions(context.options);
  for (const problem of options.problems) context.log.warn(`winccoa: ${problem}`);
  const env: WinccoaEnvironment = { tags: context.tags, datapoints: new Datapoints(context.tags, options.mapping), options, connectFanouts: new ConnectFanouts(context.tags) };
  const states = new WeakMap<DialectSession, SocketState>();

  const send = (session: DialectSession) => (frame: string): void => { session.send(frame); };

  function respond(session: DialectSession, state: SocketState, command: CommandName, payload: unknown, work: (body: Body) => Promise<ResultBody>): Promise<void> {
    const name = resultNames[command] ?? `${command}Result`;
    const id = idOrUndefined(payload, command);
    const frame = (async (): Promise<string> => {
      try {
        const body = bodyOf(payload, command);
        readId(body);
        return encodeResult(name, await work(body), id);
      } catch (error) {
        return encodeFailure(name, failureOf(error), id);
      }
    })();
    return state.replies.enqueue(frame, send(session));
  }

  function handleDpSet(session: DialectSession, state: SocketState, payload: unknown): Promise<void> {
    const id = idOrUndefined(payload, 'DpSet');
    const frame = (async (): Promise<string | undefined> => {
      try {
        const body = bodyOf(payload, 'DpSet');
        const wait = dpSetWaits(body);
        readId(body);
        await dpSet(env, body, state.user);
        return wait ? setReply(options, undefined, id) : undefined;
      } catch (error) {
        // Without Wait the protocol has no reply; a failed write is still told, so no write fails silently.
        return setReply(options, failureOf(error), id);
      }
    })();
    return state.replies.enqueue(frame, send(session));
  }

  async function handleConnect(session: DialectSession, state: SocketState, payload: unknown): Promise<void> {
    let body: Body;
    let id: number | undefined;
    let names: string[];
    let answer: boolean;
    try {
      body = bodyOf(payload, 'DpConnect');
      id = readId(body);
      names = readStringList(body, 'Dps');
      answer = readFlag(body, 'Answer');
    } catch (error) {
      return state.replies.enqueue(Promise.resolve(encodeFailure('DpConnectResult', failureOf(error), idOrUndefined(payload, 'DpConnect'))), send(session));
    }
    const { elements, dropped } = resolveElements(env, names, defaultConfigs.connect, isCurrentValue);
    if (elements.length === 0) {
      // The request replaces whatever ran under its Id, even when it fails: the client asked for something new.
      state.drop(state.connects, id);
      const failure = new WinccoaFailure(WinccoaError.noElements, noneExist(dropped));
      return state.replies.enqueue(Promise.resolve(encodeFailure('DpConnectResult', failure, id)), send(session));
    }
    const connect = new GroupConnect(env, id, elements, (frame, key) => session.sendFrame(frame, key), state.nextKey('wcc-c'));
    state.keep(state.connects, id, connect);
    await state.replies.enqueue(connect.start(answer).catch(() => undefined), send(session));
    connect.open();
  }

  async function handleQueryConnect(session: DialectSession, state: SocketState, payload: unknown): Promise<void> {
    let id: number | undefined;
    let query: ParsedQuery;
    let answer: boolean;
    try {
      const body = bodyOf(payload, 'DpQueryConnect');
      id = readId(body);
      answer = readFlag(body, 'Answer');
      if (typeof body.Query !== 'string') throw invalid('Query must be a string');
      try {
        query = parseQuery(body.Query, options.system, context.limits.patterns);
      } catch (error) {
        if (error instanceof QueryError) throw new WinccoaFailure(WinccoaError.badQuery, `query not supported: ${error.message}`);
        throw error;
      }
    } catch (error) {
      state.drop(state.queries, id);
      return state.replies.enqueue(Promise.resolve(encodeFailure('DpQueryConnectResult', failureOf(error), id ?? idOrUndefined(payload, 'DpQueryConnect'))), send(session));
    }
    const connect = new QueryConnect(env, id, query, (frame, key) => session.send(frame, key), state.nextKey('wcc-q'));
    state.keep(state.queries, id, connect);
    await state.replies.enqueue(connect.start(answer).catch(() => undefined), send(session));
    connect.open();
  }

  function disconnect(session: DialectSession, state: SocketState, payload: unknown, command: 'DpDisconnect' | 'DpQueryDisconnect'): void {
    try {
      state.drop(command === 'DpDisconnect' ? state.connects : state.queries, readId(bodyOf(payload, command)));
    } catch (error) {
      // The protocol has no answer to a disconnect; the endpoint's log and hooks already saw the frame.
      context.log.warnAbout(session, 'disconnect-ignored', `winccoa: ${command} ignored: ${clip(failureOf(error).message)}`);
    }
  }

  return {
    name: 'winccoa',
    subprotocols: [],
    authenticatesItself: true,
    open(session: DialectSession): void {
      const result = authenticate(session.upgrade, context.auth);
      if (!result.ok) {
        const presented = presentedCredentials(session.upgrade);
        const missing = !presented.user || !presented.password;
        session.close(AuthClose.code, context.auth.kind === 'token' || !missing ? AuthClose.invalid : AuthClose.missing);
        return;
      }
      session.setUser(result.user);
      states.set(session, new SocketState(result.user));
      if (options.greeting) session.send(JSON.stringify({ Connection: { Code: 0, Message: 'Connected', Id: 0 } }));
    },
    decode(data: Buffer, isBinary: boolean): DecodeResult {
      const decoded = decodeFrame(data, isBinary, options.lenientJson, context.limits.maxJsonDepth);
      if (decoded.ok) for (const message of decoded.messages) message.topic = topicOf(env, message);
      return decoded;
    },
    async handle(session: DialectSession, message: DialectMessage): Promise<void> {
      const state = states.get(session);
      if (!state || state.closed) return;
      const command = message.type;
      if (!isCommandName(command)) {
        context.log.warnAbout(session, 'unknown-message', `winccoa: unknown message ${clip(JSON.stringify(command))} ignored`);
        return;
      }
      switch (command) {
        case 'DpGet': return respond(session, state, command, message.payload, (body) => dpGet(env, body));
        case 'DpGetPeriod': return respond(session, state, command, message.payload, (body) => dpGetPeriod(env, body));
        case 'DpSet': return handleDpSet(session, state, message.payload);
        case 'DpConnect': return handleConnect(session, state, message.payload);
        case 'DpQueryConnect': return handleQueryConnect(session, state, message.payload);
        case 'DpDisconnect':
        case 'DpQueryDisconnect':
          return disconnect(session, state, message.payload, command);
      }
    },
    encodeOutgoing(payload: unknown): OutgoingFrame {
      if (Buffer.isBuffer(payload) || typeof payload === 'string') return payload;
      if (payload === undefined) throw new Error('msg.payload is undefined: nothing to send');
      return JSON.stringify(payload);
    },
    encodeError(error: DialectError, request?: DialectMessage): OutgoingFrame | undefined {
      if (!request || !isCommandName(request.type)) return undefined;
      const failure = new WinccoaFailure(WinccoaError.refused, error.message);
      const id = idOrUndefined(request.payload, request.type);
      if (request.type === 'DpSet') return setReply(options, failure, id);
      const name = resultNames[request.type];
      return name ? encodeFailure(name, failure, id) : undefined;
    },
    close(session: DialectSession): void {
      states.get(session)?.dispose();
      states.delete(session);
    },
  };
}

/** DpSetResult, or the README's `Response {Code, Id, Message}` for clients written against it. */
function setReply(options: WinccoaOptions, failure: WinccoaFailure | undefined, id: number | undefined): string {
  if (options.legacySetReply) {
    return JSON.stringify({ Response: { Code: failure?.code ?? 0, ...(id === undefined ? {} : { Id: id }), Message: failure?.message ?? '' } });
  }
  return failure ? encodeFailure('DpSetResult', failure, id) : encodeResult('DpSetResult', {}, id);
}

/**
 * The tag a request is about, for ws-gateway-in topic filters: the tag of its first element that exists
 * (DpGet, DpConnect, DpGetPeriod `Dps`; DpSet `Values[].Dp`).
 */
function topicOf(env: WinccoaEnvironment, message: DialectMessage): string | undefined {
  const body = (message.payload as Record<string, unknown>)[message.type];
  if (body === null || typeof body !== 'object') return undefined;
  const { Dps: dps, Values: values } = body as Record<string, unknown>;
  const names = Array.isArray(dps) ? dps : Array.isArray(values) ? values.map((item) => (item as { Dp?: unknown } | null)?.Dp) : [];
  for (const name of names) {
    if (typeof name !== 'string') continue;
    const tag = resolveElements(env, [name], defaultConfigs.get, () => true).elements[0]?.tag;
    if (tag !== undefined) return tag;
  }
  return undefined;
}
