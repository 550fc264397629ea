import { MessageSecurityMode, SecurityPolicy, StatusCodes, type StatusCode } from 'node-opcua';
import { decodeStructure, encodeDataValue, encodeStructure, encodeVariant, JsonDecodeError, jsonFormatFromOptions, type JsonValue } from '../../opcua/json';
import type { DecodeResult, Dialect, DialectContext, DialectError, DialectMessage, OutgoingFrame, DialectSession } from '../contract';
import { AllowedEndpoints } from './allowed-endpoints';
import { decodeEnvelope, encodeFailure, encodeNotify, encodeResponse, notifyPrefix, type Envelope, type GatewayHeader } from './gateway-envelope';
import { gatewayServices } from './gateway-services';
import { GatewaySession, ServiceError, type GatewaySessionListener } from './gateway-session';
import { decodeLogin, LoginError, type LoginOptions } from './login-request';
import { pkcs1v15DecryptionAllowed, securityRevertFlag } from './security-revert';
import type { OpcuaGatewaySources } from './sources';
import { ClientCertificates } from '../../opcua/pki';
import { messageOf } from '../../util/errors';
import { readInteger } from '../../util/options';
import { clip } from '../../util/log-limit';
import { valueProblem } from '../../tags';
import { jsonDepthExceeds, tooDeepMessage } from '../../util/json-depth';

/** A request refused at decode (nested too deeply) whose header could be read, so the failure names it. */
interface GatewayRefusal extends DialectError {
  header: GatewayHeader;
}

/** Close code for frames ASNeG answers by closing the connection (not JSON, no usable Header). */
export const invalidEnvelopeCloseCode = 1008;

/** SessionIds are a process-wide counter from "1", as in ASNeG. */
let nextSessionNumber = 1;

/**
 * The ASNeG OPC UA WebSocket Gateway (the 8082 API, docs/protocols/opcua-asneg.md): every logged-in client gets
 * its own OPC UA session with its own identity, bound to its WebSocket connection; the gateway maps the
 * JSON services 1:1 onto node-opcua requests and pushes data changes and events.
 *
 * Options (fields of the ws-gateway-server node): `gatewayEndpoints` (allowed endpoint URLs,
 * plus the endpoint of the ws-gateway-opcua node in `sources.opcuaPeer`, whose PKI its sessions use), `gatewayPkiFolder` (the client certificate and trust lists; the
 * Node-RED adapter passes the one PKI folder of every OPC UA client session), `gatewayMaxSessions` (per connection,
 * default 10), `asnegNumbers`, `asnegTimestamps`.
 */
export function createOpcuaGatewayDialect(context: DialectContext<OpcuaGatewaySources>): Dialect {
  const format = jsonFormatFromOptions(context.options);
  const allowed = AllowedEndpoints.parse(context.options.gatewayEndpoints);
  // Allowed endpoints: the server's ws-gateway-opcua endpoint is allowed too, and sessions to it use that
  // node's certificate and trust rule, so its server trusts the gateway as it trusts the node.
  const configured = context.sources.opcuaPeer;
  const folder = typeof context.options.gatewayPkiFolder === 'string' && context.options.gatewayPkiFolder.trim() ? context.options.gatewayPkiFolder.trim() : configured?.pkiFolder;
  // Never a folder of our own choosing (a temporary folder would lose the certificate and the trust list).
  if (!folder) throw new Error('the opcua-gateway dialect needs a PKI folder (option gatewayPkiFolder)');
  // Server certificates of allowed endpoints are trusted on first use: the allow-list already says which servers are meant.
  const pki = new ClientCertificates(folder, true);
  const configuredPki = configured ? new ClientCertificates(configured.pkiFolder, configured.acceptUnknownServerCertificate === true) : undefined;
  const isConfiguredEndpoint = (url: string): boolean => configured !== undefined && AllowedEndpoints.parse(configured.endpointUrl).allows(url);
  // ASNeG has no limit; one connection opening sessions without end would exhaust the OPC UA servers.
  const maxSessions = readInteger(context.options.gatewayMaxSessions, { fallback: 10, min: 1 });
  const sessions = new Map<string, GatewaySession>();
  const envelopes = new WeakMap<DialectMessage, Envelope>();
  const closing = new Set<Promise<void>>();
  const maxDepth = context.limits.maxJsonDepth;

  function release(session: GatewaySession): void {
    sessions.delete(session.id);
    const done = session.close().catch((error: unknown) => context.log.warn(`closing gateway session ${session.id}: ${messageOf(error)}`));
    closing.add(done);
    void done.finally(() => closing.delete(done));
  }

  function listenerFor(client: DialectSession, id: string, clientHandle: string): GatewaySessionListener {
    // A data change goes out in the turn its publish response arrived; the header is encoded once per session.
    const dataChangePrefix = notifyPrefix('GW_DataChangeNotify', clientHandle, id);
    return {
      status: (status) => { client.send(encodeNotify('GW_SessionStatusNotify', clientHandle, id, { SessionStatus: status })); },
      // Keyed per monitored item: a client too slow to read gets the latest value of each item, not a backlog.
      dataChange: (handle, value) => {
        client.send(`${dataChangePrefix}{"ClientHandleData":"${handle}","Value":${JSON.stringify(encodeDataValue(value, format))}}}`, `gw:${id}:${handle}`);
      },
      event: (handle, fields) => {
        client.send(encodeNotify('GW_EventNotify', clientHandle, id, { ClientHandleData: String(handle), Event: fields.map((field) => encodeVariant(field, format)) }));
      },
      log: (message) => context.log.warn(message),
    };
  }

  function refusal(login: LoginOptions): { status: StatusCode; reason: string } | undefined {
    if (!allowed.allows(login.endpointUrl) && !isConfiguredEndpoint(login.endpointUrl)) {
      return { status: StatusCodes.BadUserAccessDenied, reason: `${login.endpointUrl} is not an allowed endpoint of this gateway` };
    }
    if (login.securityPolicy === SecurityPolicy.Basic128Rsa15 && login.securityMode !== MessageSecurityMode.None && !pkcs1v15DecryptionAllowed()) {
      return {
        status: StatusCodes.BadSecurityPolicyRejected,
        reason: `Basic128Rsa15 needs RSA PKCS#1 v1.5 decryption, which this Node.js refuses (CVE-2023-46809); start Node-RED with ${securityRevertFlag} to allow it, or use Basic256Sha256`,
      };
    }
    return undefined;
  }

  function login(client: DialectSession, header: GatewayHeader, body: JsonValue): void {
    let options: LoginOptions;
    try {
      options = decodeLogin(body);
    } catch (error) {
      if (error instanceof LoginError) {
        client.send(encodeFailure(header, error.status, error.message));
        return;
      }
      throw error;
    }
    const owned = [...sessions.values()].filter((session) => session.owner === client.id).length;
    if (owned >= maxSessions) {
      client.send(encodeFailure(header, StatusCodes.BadTooManySessions, `a connection may hold at most ${maxSessions} sessions`));
      return;
    }
    const refused = refusal(options);
    if (refused) {
      context.log.warnAbout(client, 'login-refused', `GW_LoginRequest refused: ${clip(refused.reason)}`);
      client.send(encodeFailure(header, refused.status, refused.reason));
      return;
    }
    const id = String(nextSessionNumber++);
    // The answer goes out before the session starts connecting, so Connect/Disconnect always follow it.
    client.send(encodeResponse(header, StatusCodes.Good, { SessionId: id }));
    const sessionPki = configuredPki && isConfiguredEndpoint(options.endpointUrl) ? configuredPki : pki;
    sessions.set(id, new GatewaySession(id, client.id, header.ClientHandle, options, sessionPki, listenerFor(client, id, header.ClientHandle)));
  }

  /** Only the connection that logged in may use a session (ASNeG let any connection). */
  function ownSession(client: DialectSession, sessionId: string): GatewaySession | undefined {
    const session = sessions.get(sessionId);
    return session && session.owner === client.id ? session : undefined;
  }

  async function logout(client: DialectSession, header: GatewayHeader): Promise<void> {
    const session = ownSession(client, header.SessionId);
    if (!session) {
      client.send(encodeFailure(header, StatusCodes.BadNotFound, `no session ${header.SessionId} on this connection`));
      return;
    }
    sessions.delete(session.id);
    await session.close();
    client.send(encodeResponse(header, StatusCodes.Good, ''));
  }

  async function service(client: DialectSession, header: GatewayHeader, body: JsonValue): Promise<void> {
    const session = ownSession(client, header.SessionId);
    if (!session) {
      client.send(encodeFailure(header, StatusCodes.BadSessionClosed, `no session ${header.SessionId} on this connection`));
      return;
    }
    const definition = gatewayServices.get(header.MessageType);
    if (!definition) {
      client.send(encodeFailure(header, StatusCodes.BadServiceUnsupported, `${header.MessageType} is not a gateway service`));
      return;
    }
    const tooBig = writeValueProblem(header.MessageType, body, context.tags.maxValueBytes);
    if (tooBig) {
      // Refused before anything is sent to the server (see docs/reliability/memory.md for the statuses).
      client.send(encodeFailure(header, tooBig.kind === 'not-finite' ? StatusCodes.BadOutOfRange : StatusCodes.BadEncodingLimitsExceeded, tooBig.message));
      return;
    }
    let request;
    try {
      request = decodeStructure(definition.request, body, 'Body', format, definition.rules);
    } catch (error) {
      if (!(error instanceof JsonDecodeError)) throw error;
      client.send(encodeFailure(header, StatusCodes.BadInvalidArgument, error.message));
      return;
    }
    const record = request as unknown as Record<string, unknown>;
    const empty = definition.nonEmpty?.find((field) => !Array.isArray(record[field]) || (record[field] as unknown[]).length === 0);
    if (empty) {
      client.send(encodeFailure(header, StatusCodes.BadInvalidArgument, `${empty} is empty`));
      return;
    }
    const requestHeader = record.requestHeader as { timeoutHint?: number } | undefined;
    if (header.RequestTimeout > 0 && requestHeader) requestHeader.timeoutHint = header.RequestTimeout;
    let response;
    try {
      response = await definition.invoke(session, request);
    } catch (error) {
      if (error instanceof ServiceError) {
        client.send(encodeFailure(header, error.status, error.message));
        return;
      }
      throw error;
    }
    let encoded;
    try {
      encoded = encodeStructure(response, format);
    } catch (error) {
      client.send(encodeFailure(header, StatusCodes.BadDeviceFailure, `the response cannot be encoded: ${messageOf(error)}`));
      return;
    }
    client.send(encodeResponse(header, StatusCodes.Good, encoded));
  }

  return {
    name: 'opcua-gateway',
    subprotocols: ['json'],
    decode(data: Buffer, isBinary: boolean): DecodeResult {
      const text = isBinary ? '' : data.toString('utf8');
      let envelope: Envelope = isBinary ? { ok: false, reason: 'binary frames are not accepted' } : decodeEnvelope(text);
      if (!isBinary && jsonDepthExceeds(text, maxDepth)) {
        // Nothing nested that deeply goes on to a flow or the decoder: with a readable header the
        // request fails BadEncodingLimitsExceeded (OPC UA's status for a nesting limit), else the
        // connection is closed as for any unreadable envelope.
        if (!envelope.ok) envelope = { ok: false, reason: tooDeepMessage(maxDepth) };
        else {
          const refusal: GatewayRefusal = { code: 'bad-request', message: tooDeepMessage(maxDepth), header: envelope.header };
          return { ok: false, error: refusal };
        }
      }
      const message: DialectMessage = envelope.ok
        ? { type: envelope.header.MessageType, payload: { Header: envelope.header, Body: envelope.body }, handle: envelope.header.ClientHandle }
        : { type: '', payload: { error: envelope.reason } };
      envelopes.set(message, envelope);
      return { ok: true, messages: [message] };
    },
    async handle(client: DialectSession, message: DialectMessage): Promise<void> {
      const envelope = envelopes.get(message);
      if (!envelope) return;
      if (!envelope.ok) {
        // ASNeG closes the connection without an answer; we say why in the close frame.
        client.close(invalidEnvelopeCloseCode, envelope.reason);
        return;
      }
      const { header, body } = envelope;
      if (body === undefined) {
        client.send(encodeFailure(header, StatusCodes.BadInvalidArgument, 'Body is missing'));
        return;
      }
      if (header.MessageType === 'GW_LoginRequest') login(client, header, body);
      else if (header.MessageType === 'GW_LogoutRequest') await logout(client, header);
      else await service(client, header, body);
    },
    encodeOutgoing(payload: unknown): OutgoingFrame {
      if (Buffer.isBuffer(payload) || typeof payload === 'string') return payload;
      if (payload === undefined) throw new Error('msg.payload is undefined: nothing to send');
      return JSON.stringify(payload);
    },
    encodeError(error: DialectError, request?: DialectMessage): OutgoingFrame | undefined {
      const refused = (error as Partial<GatewayRefusal>).header;
      if (refused) return encodeFailure(refused, StatusCodes.BadEncodingLimitsExceeded, error.message);
      const envelope = request ? envelopes.get(request) : undefined;
      if (!envelope?.ok) return undefined;
      const status = error.code === 'busy' ? StatusCodes.BadTooManyOperations : error.code === 'bad-request' ? StatusCodes.BadInvalidArgument : StatusCodes.BadInternalError;
      return encodeFailure(envelope.header, status, error.message);
    },
    close(client: DialectSession): void {
      // Closing the WebSocket logs out every session created on it.
      for (const session of [...sessions.values()]) if (session.owner === client.id) release(session);
    },
    async dispose(): Promise<void> {
      for (const session of [...sessions.values()]) release(session);
      await Promise.all([...closing]);
      await pki.release();
      await configuredPki?.release();
    },
  };
}

/** Why a GW_WriteRequest may not go to the server: a value of NodesToWrite too large, too deep or not finite. */
function writeValueProblem(messageType: string, body: JsonValue, maxBytes: number): ReturnType<typeof valueProblem> {
  if (messageType !== 'GW_WriteRequest' || body === null || typeof body !== 'object' || Array.isArray(body)) return undefined;
  const items = body.NodesToWrite;
  if (!Array.isArray(items)) return undefined;
  for (const item of items) {
    const value = item !== null && typeof item === 'object' && !Array.isArray(item) ? item.Value : undefined;
    const problem = valueProblem(value, maxBytes);
    if (problem) return problem;
  }
  return undefined;
}
