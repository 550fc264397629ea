import { NodeId } from 'node-opcua';
import type { DecodeRules } from './decode-rules';
import type { JsonFormat } from './json-format';
import { childPath, isJsonObject, JsonDecodeError, type JsonObject, type JsonValue } from './json-value';
import { decodeNodeId, encodeNodeId } from './node-id';
import type { NestedCodec } from './nested-codec';
import { decodeStructure, encodeStructure } from './structure';
import { isStructure, structureClassByJsonId, structureClassByName, structureClassByOtherId, structureClassOf, type Structure, type StructureClass } from './structure-registry';

/** What node-opcua hands over for a structure it has no class for (node-opcua-extension-object's OpaqueStructure). */
interface OpaqueStructure {
  nodeId: NodeId;
  buffer: Buffer;
}

function isOpaque(value: unknown): value is OpaqueStructure {
  return typeof value === 'object' && value !== null && (value as { nodeId?: unknown }).nodeId instanceof NodeId && Buffer.isBuffer((value as { buffer?: unknown }).buffer);
}

/**
 * An ExtensionObject inside a Variant (type 22): `{"TypeId": <JSON encoding id>, "Body": {"<TypeName>": {fields}}}`.
 * A structure node-opcua could not decode is passed on as its binary encoding id and body in base64.
 */
export function encodeTypedExtensionObject(value: unknown, format: JsonFormat, nested: NestedCodec): JsonObject {
  if (isStructure(value)) {
    const cls = structureClassOf(value);
    return { TypeId: typeIdOf(cls, value), Body: { [value.schema.name]: encodeStructure(value, format, nested) } };
  }
  if (isOpaque(value)) return { TypeId: encodeNodeId(value.nodeId), Body: { ByteString: value.buffer.toString('base64') } };
  return { TypeId: { Id: '0' }, Body: '' };
}

/** Reads the TypeId (JSON, binary or data type id) and the first child of Body, whatever its key. */
export function decodeTypedExtensionObject(json: JsonValue | undefined, path: string, format: JsonFormat, nested: NestedCodec): Structure {
  if (!isJsonObject(json)) throw new JsonDecodeError(path, 'an ExtensionObject must be an object {"TypeId", "Body"}');
  const typeId = decodeNodeId(json.TypeId, childPath(path, 'TypeId'));
  const body = json.Body;
  const [name, fields] = isJsonObject(body) ? Object.entries(body)[0] ?? [] : [];
  const cls = structureClassByJsonId(typeId) ?? structureClassByOtherId(typeId) ?? (name ? structureClassByName(name) : undefined);
  if (!cls) throw new JsonDecodeError(childPath(path, 'TypeId'), `no structure is known for TypeId ${typeId.toString()}`);
  return decodeStructure(cls, fields ?? '', childPath(childPath(path, 'Body'), name ?? cls.schema.name), format, nested);
}

/**
 * An extensible parameter (HistoryReadDetails, HistoryData, monitoring filters, filter operands and
 * results): `{"TypeId": {"Id": "<JSON encoding id>"}, "Body": {fields}}`, no type-name wrapper.
 */
export function encodeExtensible(value: unknown, format: JsonFormat, nested: NestedCodec): JsonObject {
  if (isStructure(value)) return { TypeId: typeIdOf(structureClassOf(value), value), Body: encodeStructure(value, format, nested) };
  if (isOpaque(value)) return { TypeId: encodeNodeId(value.nodeId), Body: { ByteString: value.buffer.toString('base64') } };
  return { TypeId: { Id: '0' }, Body: '' };
}

/** Only JSON encoding ids are accepted, as in ASNeG: a binary encoding id (e.g. 649) is an error. */
export function decodeExtensible(json: JsonValue | undefined, path: string, format: JsonFormat, nested: NestedCodec, rules?: DecodeRules): Structure {
  if (!isJsonObject(json)) throw new JsonDecodeError(path, 'must be an object {"TypeId", "Body"}');
  const typeIdPath = childPath(path, 'TypeId');
  const typeId = decodeNodeId(json.TypeId, typeIdPath);
  const cls = structureClassByJsonId(typeId);
  if (!cls) {
    const other = structureClassByOtherId(typeId);
    const hint = other?.encodingDefaultJson ? ` (${other.schema.name} is ${other.encodingDefaultJson.value} in JSON)` : '';
    throw new JsonDecodeError(typeIdPath, `${typeId.toString()} is not a JSON encoding id${hint}`);
  }
  return decodeStructure(cls, json.Body ?? '', childPath(path, 'Body'), format, nested, rules);
}

function typeIdOf(cls: StructureClass | undefined, value: Structure): JsonObject {
  const id = cls?.encodingDefaultJson;
  if (id) return encodeNodeId(id);
  const dataType = (value.schema as { dataTypeNodeId?: NodeId }).dataTypeNodeId;
  return dataType ? encodeNodeId(dataType) : { Id: '0' };
}
