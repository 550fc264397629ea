import { DataValue, StatusCodes } from 'node-opcua';
import { formatDateTime, parseDateTime, parseInteger, type JsonFormat } from './json-format';
import { joinPicoseconds, picosecondsOf, splitPicoseconds } from './precise-time';
import { childPath, isJsonObject, JsonDecodeError, type JsonObject, type JsonValue } from './json-value';
import type { NestedCodec } from './nested-codec';
import { decodeStatusCode, encodeStatusCode } from './status-code';
import { decodeVariant, encodeVariant } from './variant';

/**
 * `{"Value", "Status"?, "SourceTimestamp"?, "ServerTimestamp"?, "SourcePicoSeconds"?, "ServerPicoSeconds"?}`
 * in that order. Status is omitted when Good, timestamps when null. A DataValue without a value (a
 * per-node error) is written `{"Value":{"Type":"0"},"Status":...}` instead of failing the
 * whole response as ASNeG does.
 *
 * PicoSeconds are OPC UA's: 10 ps intervals added to a timestamp that carries all its 100 ns digits,
 * 0..9999. They are written (when not 0) only with the 100 ns timestamp format; the shorter formats
 * truncate the time, and picoseconds added to a truncated time would name a different instant.
 */
export function encodeDataValue(dataValue: DataValue, format: JsonFormat, nested: NestedCodec): JsonObject {
  const json: JsonObject = { Value: dataValue.value ? encodeVariant(dataValue.value, format, nested) : { Type: '0' } };
  if (dataValue.statusCode && dataValue.statusCode.value !== 0) json.Status = encodeStatusCode(dataValue.statusCode);
  if (dataValue.sourceTimestamp) json.SourceTimestamp = formatDateTime(dataValue.sourceTimestamp, format, dataValue.sourcePicoseconds);
  if (dataValue.serverTimestamp) json.ServerTimestamp = formatDateTime(dataValue.serverTimestamp, format, dataValue.serverPicoseconds);
  if (format.timestamps === '100ns') {
    const source = dataValue.sourceTimestamp ? splitPicoseconds(dataValue.sourcePicoseconds).tenPicoseconds : 0;
    const server = dataValue.serverTimestamp ? splitPicoseconds(dataValue.serverPicoseconds).tenPicoseconds : 0;
    if (source) json.SourcePicoSeconds = String(source);
    if (server) json.ServerPicoSeconds = String(server);
  }
  return json;
}

/** `Value` is mandatory, as in ASNeG; everything else is optional. PicoSeconds are OPC UA's (0..9999). */
export function decodeDataValue(json: JsonValue | undefined, path: string, format: JsonFormat, nested: NestedCodec): DataValue {
  if (!isJsonObject(json)) throw new JsonDecodeError(path, 'a DataValue must be an object {"Value", ...}');
  if (json.Value === undefined) throw new JsonDecodeError(childPath(path, 'Value'), 'is missing');
  const source = json.SourceTimestamp === undefined ? null : parseDateTime(json.SourceTimestamp, childPath(path, 'SourceTimestamp'));
  const server = json.ServerTimestamp === undefined ? null : parseDateTime(json.ServerTimestamp, childPath(path, 'ServerTimestamp'));
  const sourceTenPicoseconds = json.SourcePicoSeconds === undefined ? 0 : parseInteger(json.SourcePicoSeconds, childPath(path, 'SourcePicoSeconds'), 0, 9999);
  const serverTenPicoseconds = json.ServerPicoSeconds === undefined ? 0 : parseInteger(json.ServerPicoSeconds, childPath(path, 'ServerPicoSeconds'), 0, 9999);
  return new DataValue({
    value: decodeVariant(json.Value, childPath(path, 'Value'), format, nested),
    statusCode: json.Status === undefined ? StatusCodes.Good : decodeStatusCode(json.Status, childPath(path, 'Status')),
    // node-opcua keeps a DataValue's time below the millisecond in its picoseconds, not on the Date.
    sourceTimestamp: source ? new Date(source.getTime()) : null,
    serverTimestamp: server ? new Date(server.getTime()) : null,
    sourcePicoseconds: source ? joinPicoseconds(splitPicoseconds(picosecondsOf(source)).ticks, sourceTenPicoseconds) : 0,
    serverPicoseconds: server ? joinPicoseconds(splitPicoseconds(picosecondsOf(server)).ticks, serverTenPicoseconds) : 0,
  });
}
