import { DataValue, StatusCodes } from 'node-opcua';
import { formatDateTime, parseDateTime, parseInteger, type JsonFormat } from './json-format';
import { childPath, isJsonObject, JsonDecodeError, type JsonObject, type JsonValue } from './json-value';
import { decodeStatusCode, encodeStatusCode } from './status-code';
import { decodeVariant, encodeVariant } from './variant';

/**
 * `{"Value", "Status"?, "SourceTimestamp"?, "ServerTimestamp"?, "SourcePicoSeconds"?, "ServerPicoSeconds"?}`
 * in that order. Status is omitted when Good, timestamps when null, pico-seconds when 0. A DataValue
 * without a value (a per-node error) is written `{"Value":{"Type":"0"},"Status":...}` instead
 * of failing the whole response as ASNeG does.
 */
export function encodeDataValue(dataValue: DataValue, format: JsonFormat): JsonObject {
  const json: JsonObject = { Value: dataValue.value ? encodeVariant(dataValue.value, format) : { Type: '0' } };
  if (dataValue.statusCode && dataValue.statusCode.value !== 0) json.Status = encodeStatusCode(dataValue.statusCode);
  if (dataValue.sourceTimestamp) json.SourceTimestamp = formatDateTime(dataValue.sourceTimestamp, format);
  if (dataValue.serverTimestamp) json.ServerTimestamp = formatDateTime(dataValue.serverTimestamp, format);
  if (dataValue.sourcePicoseconds) json.SourcePicoSeconds = String(dataValue.sourcePicoseconds);
  if (dataValue.serverPicoseconds) json.ServerPicoSeconds = String(dataValue.serverPicoseconds);
  return json;
}

/** `Value` is mandatory, as in ASNeG; everything else is optional. */
export function decodeDataValue(json: JsonValue | undefined, path: string, format: JsonFormat): DataValue {
  if (!isJsonObject(json)) throw new JsonDecodeError(path, 'a DataValue must be an object {"Value", ...}');
  if (json.Value === undefined) throw new JsonDecodeError(childPath(path, 'Value'), 'is missing');
  return new DataValue({
    value: decodeVariant(json.Value, childPath(path, 'Value'), format),
    statusCode: json.Status === undefined ? StatusCodes.Good : decodeStatusCode(json.Status, childPath(path, 'Status')),
    sourceTimestamp: json.SourceTimestamp === undefined ? null : parseDateTime(json.SourceTimestamp, childPath(path, 'SourceTimestamp')),
    serverTimestamp: json.ServerTimestamp === undefined ? null : parseDateTime(json.ServerTimestamp, childPath(path, 'ServerTimestamp')),
    sourcePicoseconds: json.SourcePicoSeconds === undefined ? 0 : parseInteger(json.SourcePicoSeconds, childPath(path, 'SourcePicoSeconds'), 0, 65535),
    serverPicoseconds: json.ServerPicoSeconds === undefined ? 0 : parseInteger(json.ServerPicoSeconds, childPath(path, 'ServerPicoSeconds'), 0, 65535),
  });
}
