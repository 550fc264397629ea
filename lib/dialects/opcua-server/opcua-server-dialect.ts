import { StatusCodes, type DataValue, type NodeId, type StatusCode } from 'node-opcua';
import { OpcuaStatusError, statusOf, type OpcuaEndpoint, type OpcuaVariable } from '../../opcua';
import { frameMessage, type DialectSession, type Dialect, type DialectContext, type DialectError, type DialectMessage, type OutgoingFrame } from '../contract';
import { asnegTree, parseAsnegTime, statusName, typeName } from './asneg-text';
import { decodeRequest, encodeMessage, scalarText, type AsnegRefusal, type AsnegRequest } from './envelope';
import { valueProblem } from '../../tags';
import { isRecord } from '../../util/is-record';
import { readInteger } from '../../util/options';
import { MonitorRegistry } from './monitor-registry';
import type { OpcuaServerSources } from './sources';
import { JsonDecodeError, decodeDataValue, encodeDataValue, jsonFormatFromOptions, type JsonValue } from '../../opcua/json';

/** Samples one HISTORICALREAD returns at most unless the server option says otherwise. */
const DEFAULT_HISTORY_MAX = 10_000;
const DEFAULT_SAMPLING_INTERVAL = 250;

/**
 * The ASNeG OPC UA WebSocket Server API (port 8081) over the variable list of a ws-gateway-opcua node:
 * VALUELIST, VALUEINFO, READ, WRITE, MONITORSTART / MONITORSTOP with MONITORUPDATE_MESSAGE pushes,
 * HISTORICALREAD (answered; ASNeG never did) and ERROR for unknown types. Variable-level errors go in the
 * body's StatusCode, request-level ones in the header's (docs/protocols/opcua-asneg.md).
 */
export function createOpcuaServerDialect(context: DialectContext<OpcuaServerSources>): Dialect {
  const endpoint: OpcuaEndpoint | undefined = context.sources.opcua;
  // The same JSON of OPC UA values as the gateway, with the server's Numbers and Timestamps options.
  const format = jsonFormatFromOptions(context.options);
  const historyMax = readInteger(context.options.opcuaHistoryMax, { fallback: DEFAULT_HISTORY_MAX, min: 1 });
  const monitors = new MonitorRegistry();
  const maxDepth = context.limits.maxJsonDepth;
  /** Encoded bodies of the last values, so 50 clients of one item cost one encoding. */
  const encodedValues = new WeakMap<DataValue, string>();
  /**
   * MONITORUPDATE_MESSAGE wire frames per value and ClientHandle: clients that monitor an item under the
   * same handle (ASNeG's web client uses the variable name) share one frame, as a broadcast does, so a
   * change reaches all of them in the turn it arrived without an encode per client. Dropped with the value.
   */
  const updateFrames = new WeakMap<DataValue, Map<string, Buffer>>();

  const onState = (state: string): void => {
    if (state === 'connected') {
      for (const [, , registration] of monitors.entries()) {
        registration.toldDisconnected = false;
        registration.toldShutdown = false;
      }
      return;
    }
    if (state === 'connecting') return;
    for (const [session, handle, registration] of monitors.entries()) {
      if (registration.toldDisconnected) continue;
      registration.toldDisconnected = true;
      session.send(encodeMessage('MONITORUPDATE_MESSAGE', handle, undefined, 'BadNotConnected'));
    }
  };
  // ASNeG has no status message: a monitor hears the server's shutdown notice as a header-only
  // MONITORUPDATE_MESSAGE with BadShutdown when the server announces it, before the BadNotConnected of the drop.
  const onShutdown = (): void => {
    for (const [session, handle, registration] of monitors.entries()) {
      if (registration.toldShutdown) continue;
      registration.toldShutdown = true;
      session.send(encodeMessage('MONITORUPDATE_MESSAGE', handle, undefined, 'BadShutdown'));
    }
  };
  endpoint?.connection.on('state', onState);
  endpoint?.connection.on('shutdown', onShutdown);

  function bodyOf(value: DataValue): string {
    let encoded = encodedValues.get(value);
    if (encoded === undefined) {
      encoded = JSON.stringify(dataValueJson(value));
      encodedValues.set(value, encoded);
    }
    return encoded;
  }

  function updateFrame(value: DataValue, clientHandle: string): Buffer {
    let byHandle = updateFrames.get(value);
    if (!byHandle) {
      byHandle = new Map();
      updateFrames.set(value, byHandle);
    }
    let frame = byHandle.get(clientHandle);
    if (frame === undefined) {
      frame = frameMessage(`{"Header":{"MessageType":"MONITORUPDATE_MESSAGE","ClientHandle":${JSON.stringify(clientHandle)}},"Body":${bodyOf(value)}}`);
      byHandle.set(clientHandle, frame);
    }
    return frame;
  }

  function dataValueJson(value: DataValue): JsonValue {
    const json = encodeDataValue(value, format);
    // A bad value without a Variant still encodes, with its status (ASNeG failed the whole answer).
    if (value.statusCode.isNotGood() && json.Status === undefined) json.Status = String(value.statusCode.value >>> 0);
    return json;
  }

  function variableOf(name: string): OpcuaVariable | undefined {
    return endpoint?.variables.get(name);
  }

  /** The variable's NodeId on the connected server; BadNotConnected / BadNodeIdUnknown (unknown namespace URI) otherwise. */
  function nodeIdOf(variable: OpcuaVariable): NodeId {
    if (!endpoint?.connection.connected) throw new OpcuaStatusError(StatusCodes.BadNotConnected);
    try {
      return endpoint.connection.nodeId(variable.nodeId);
    } catch {
      throw new OpcuaStatusError(StatusCodes.BadNodeIdUnknown);
    }
  }

  async function readVariable(variable: OpcuaVariable): Promise<DataValue> {
    const nodeId = nodeIdOf(variable);
    if (!endpoint) throw new OpcuaStatusError(StatusCodes.BadNotConnected);
    const value = await endpoint.connection.read(nodeId);
    endpoint.types.learn(variable.name, value);
    return value;
  }

  async function handle(session: DialectSession, message: DialectMessage): Promise<void> {
    const request = message.payload as AsnegRequest;
    const { MessageType: type, ClientHandle: clientHandle } = request.Header;
    const body = request.Body;
    const responseType = type.replace(/_REQUEST$/, '_RESPONSE');
    const answer = (payload: JsonValue): void => { session.send(encodeMessage(responseType, clientHandle, payload)); };
    const headerError = (status: StatusCode | string): void => {
      session.send(encodeMessage(responseType, clientHandle, undefined, typeof status === 'string' ? status : statusName(status)));
    };
    const bodyError = (status: StatusCode): void => answer({ StatusCode: statusName(status) });
    /** The named, known variable; otherwise the error answer is sent and undefined returned. */
    const requireVariable = (): OpcuaVariable | undefined => {
      const name = scalarText(body.Variable);
      if (name === undefined) {
        headerError(StatusCodes.BadAttributeIdInvalid);
        return undefined;
      }
      const variable = variableOf(name);
      if (!variable) bodyError(StatusCodes.BadNodeIdUnknown);
      return variable;
    };

    switch (type) {
      case 'VALUELIST_REQUEST': {
        const names = endpoint?.names ?? [];
        answer({ Variables: names.length === 0 ? '' : [...names] });
        return;
      }
      case 'VALUEINFO_REQUEST': {
        if (!Array.isArray(body.Variables)) return headerError(StatusCodes.BadAttributeIdInvalid);
        const infos = await Promise.all(body.Variables.map((name: unknown) => valueInfo(scalarText(name) ?? '')));
        answer({ Variables: infos.length === 0 ? '' : infos });
        return;
      }
      case 'READ_REQUEST': {
        const variable = requireVariable();
        if (!variable) return;
        try {
          answer(dataValueJson(await readVariable(variable)));
        } catch (error) {
          bodyError(statusOf(error));
        }
        return;
      }
      case 'WRITE_REQUEST': {
        const name = scalarText(body.Variable);
        // Before anything is decoded or sent to the server: too large (or too deep) is the stack's
        // encoding limit, a number JSON cannot carry (1e400 parses to Infinity) is out of range.
        const problem = valueProblem(body.Value, context.tags.maxValueBytes);
        if (problem) return headerError(problem.kind === 'not-finite' ? 'BadOutOfRange' : 'BadEncodingLimitsExceeded');
        let decoded;
        try {
          decoded = decodeDataValue(body.Value as JsonValue, 'Value', format);
        } catch (error) {
          if (!(error instanceof JsonDecodeError)) throw error;
          return headerError(StatusCodes.BadAttributeIdInvalid);
        }
        if (name === undefined) return headerError(StatusCodes.BadAttributeIdInvalid);
        const variable = variableOf(name);
        if (!variable) return bodyError(StatusCodes.BadNodeIdUnknown);
        if (variable.writable === false) return headerError(StatusCodes.BadNotWritable);
        if (!endpoint) return bodyError(StatusCodes.BadNotConnected);
        try {
          await endpoint.connection.write(nodeIdOf(variable), decoded.value, { source: decoded.sourceTimestamp ?? undefined, sourcePicoseconds: decoded.sourcePicoseconds });
          answer('');
        } catch (error) {
          const status = statusOf(error);
          // Not there (connection, node): the variable-level answer; refused by the server, or sent and not
          // answered (BadTimeout: the server may have executed it, see docs/reliability/writes.md): the header.
          if (status.value === StatusCodes.BadNotConnected.value || status.value === StatusCodes.BadNodeIdUnknown.value) bodyError(status);
          else headerError(status);
        }
        return;
      }
      case 'MONITORSTART_REQUEST': {
        const variable = requireVariable();
        if (!variable || !endpoint) return;
        if (monitors.get(session, clientHandle)) return bodyError(StatusCodes.BadEntryExists);
        answer('');
        // Keyed per handle: a slow client gets the latest value of each item instead of a backlog.
        const conflationKey = `monitor:${clientHandle}`;
        const { types } = endpoint;
        // Runs once per client for every change of a shared item, in the turn it arrived: nothing here may
        // cost per client what can be done once (the frame is shared, the type is learned from the first value).
        const monitor = endpoint.connection.monitor(variable.nodeId, variable.samplingInterval ?? DEFAULT_SAMPLING_INTERVAL, (value) => {
          if (types.get(variable.name) === undefined) types.learn(variable.name, value);
          session.sendFrame(updateFrame(value, clientHandle), conflationKey);
        });
        monitors.add(session, clientHandle, { variable: variable.name, monitor, toldDisconnected: false });
        if (!endpoint.connection.connected && endpoint.connection.state !== 'connecting') {
          monitors.get(session, clientHandle)!.toldDisconnected = true;
          session.send(encodeMessage('MONITORUPDATE_MESSAGE', clientHandle, undefined, 'BadNotConnected'));
        }
        return;
      }
      case 'MONITORSTOP_REQUEST': {
        const variable = requireVariable();
        if (!variable) return;
        if (!monitors.remove(session, clientHandle)) return bodyError(StatusCodes.BadNoEntryExists);
        answer('');
        return;
      }
      case 'HISTORICALREAD_REQUEST': {
        const name = scalarText(body.Variable);
        const from = parseAsnegTime(body.StartTime);
        const to = parseAsnegTime(body.EndTime);
        if (name === undefined || !from || !to) return headerError(StatusCodes.BadAttributeIdInvalid);
        const variable = variableOf(name);
        if (!variable || !endpoint) return bodyError(StatusCodes.BadNodeIdUnknown);
        const requested = Number(scalarText(body.NumValuesPerNode) ?? 0);
        const max = Number.isInteger(requested) && requested > 0 ? Math.min(requested, historyMax) : historyMax;
        try {
          const values = await endpoint.connection.historyRead(nodeIdOf(variable), from, to, max);
          answer({ DataValues: values.length === 0 ? '' : values.map(dataValueJson) });
        } catch (error) {
          bodyError(statusOf(error));
        }
        return;
      }
      default:
        session.send(encodeMessage('ERROR', clientHandle, undefined, 'BadRequestHeaderInvalid'));
    }
  }

  async function valueInfo(name: string): Promise<JsonValue> {
    const variable = variableOf(name);
    if (!variable || !endpoint) return { Variable: name, StatusCode: statusName(StatusCodes.BadNodeIdUnknown) };
    let type = endpoint.types.get(name);
    if (!type) {
      try {
        const value = await readVariable(variable);
        if (value.statusCode.isNotGood() && !endpoint.types.get(name)) return { Variable: name, StatusCode: statusName(value.statusCode) };
        type = endpoint.types.get(name);
      } catch (error) {
        return { Variable: name, StatusCode: statusName(statusOf(error)) };
      }
    }
    const info: Record<string, JsonValue> = { Variable: name, Type: type ? typeName(type.dataType) : 'Unknown', IsArray: type?.isArray ? 'true' : 'false' };
    if (variable.metadata) info.MetaData = asnegTree(variable.metadata);
    return info;
  }

  return {
    name: 'opcua-server',
    // ASNeG always answers "json"; we echo it only when the client offers it.
    subprotocols: ['json'],
    decode: (data: Buffer, isBinary: boolean) => decodeRequest(data, isBinary, maxDepth),
    handle,
    encodeOutgoing(payload: unknown): OutgoingFrame {
      if (typeof payload === 'string' || Buffer.isBuffer(payload)) return payload;
      if (!isRecord(payload) || !isRecord(payload.Header)) throw new Error('an opcua-server message is an object {Header: {MessageType, ClientHandle}, Body}');
      return JSON.stringify(payload);
    },
    encodeError(error: DialectError, request?: DialectMessage): OutgoingFrame | undefined {
      const refusal = error as Partial<AsnegRefusal>;
      const header = refusal.header ?? (request?.payload as AsnegRequest | undefined)?.Header;
      if (!header) return undefined;
      const status = refusal.status ?? (error.code === 'busy' ? 'BadTooManyOperations' : error.code === 'internal' ? 'BadInternalError' : 'BadRequestHeaderInvalid');
      return encodeMessage(header.MessageType.replace(/_REQUEST$/, '_RESPONSE'), header.ClientHandle, undefined, status);
    },
    close(session: DialectSession): void {
      monitors.removeSession(session);
    },
    dispose(): void {
      monitors.clear();
      endpoint?.connection.off('state', onState);
      endpoint?.connection.off('shutdown', onShutdown);
    },
  };
}
