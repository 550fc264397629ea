import { ExpandedNodeId, NodeId, NodeIdType } from 'node-opcua';
import { parseInteger, scalarText } from './json-format';
import { guidPattern, swapGuidText } from './guid-text';
import { childPath, isJsonObject, JsonDecodeError, type JsonObject, type JsonValue } from './json-value';

/** ASNeG's IdType numbers. */
const idTypeOf: Record<NodeIdType, string> = {
  [NodeIdType.NUMERIC]: '0',
  [NodeIdType.STRING]: '1',
  [NodeIdType.GUID]: '2',
  [NodeIdType.BYTESTRING]: '3',
};

/** `{"IdType": ..., "Id": ..., "Namespace": ...}`: IdType omitted when numeric, Namespace when 0. */
export function encodeNodeId(nodeId: NodeId): JsonObject {
  const json: JsonObject = {};
  if (nodeId.identifierType !== NodeIdType.NUMERIC) json.IdType = idTypeOf[nodeId.identifierType];
  json.Id = identifierText(nodeId);
  if (nodeId.namespace !== 0) json.Namespace = String(nodeId.namespace);
  return json;
}

/** As a NodeId, plus `Namespace` as the URI when one is set and `ServerUri` (the server index) when not 0. */
export function encodeExpandedNodeId(nodeId: ExpandedNodeId): JsonObject {
  const json = encodeNodeId(nodeId);
  if (nodeId.namespaceUri) json.Namespace = nodeId.namespaceUri;
  if (nodeId.serverIndex) json.ServerUri = String(nodeId.serverIndex);
  return json;
}

function identifierText(nodeId: NodeId): string {
  const value = nodeId.value;
  switch (nodeId.identifierType) {
    case NodeIdType.GUID: return swapGuidText(String(value));
    case NodeIdType.BYTESTRING: return Buffer.isBuffer(value) ? value.toString('base64') : '';
    default: return String(value);
  }
}

export function decodeNodeId(value: JsonValue | undefined, path: string): NodeId {
  const { identifierType, identifier, json } = decodeIdentifier(value, path);
  const namespace = json.Namespace === undefined ? 0 : parseInteger(json.Namespace, childPath(path, 'Namespace'), 0, 65535);
  return new NodeId(identifierType, identifier, namespace);
}

export function decodeExpandedNodeId(value: JsonValue | undefined, path: string): ExpandedNodeId {
  const { identifierType, identifier, json } = decodeIdentifier(value, path);
  let namespace = 0;
  let namespaceUri: string | null = null;
  if (json.Namespace !== undefined) {
    const text = scalarText(json.Namespace, childPath(path, 'Namespace'));
    if (/^\d+$/.test(text)) namespace = parseInteger(text, childPath(path, 'Namespace'), 0, 65535);
    else namespaceUri = text;
  }
  const serverIndex = json.ServerUri === undefined ? 0 : parseInteger(json.ServerUri, childPath(path, 'ServerUri'), 0, 0xffffffff);
  return new ExpandedNodeId(identifierType, identifier, namespace, namespaceUri, serverIndex);
}

function decodeIdentifier(value: JsonValue | undefined, path: string): { identifierType: NodeIdType; identifier: number | string | Buffer; json: JsonObject } {
  if (!isJsonObject(value)) throw new JsonDecodeError(path, 'a NodeId must be an object {"Id", "IdType"?, "Namespace"?}');
  const idType = value.IdType === undefined ? 0 : parseInteger(value.IdType, childPath(path, 'IdType'), 0, 3);
  const idPath = childPath(path, 'Id');
  const text = scalarText(value.Id, idPath);
  switch (idType) {
    case 0: return { identifierType: NodeIdType.NUMERIC, identifier: parseInteger(text, idPath, 0, 0xffffffff), json: value };
    case 1: return { identifierType: NodeIdType.STRING, identifier: text, json: value };
    case 2:
      if (!guidPattern.test(text)) throw new JsonDecodeError(idPath, `"${text}" is not a GUID`);
      return { identifierType: NodeIdType.GUID, identifier: swapGuidText(text), json: value };
    default: return { identifierType: NodeIdType.BYTESTRING, identifier: Buffer.from(text, 'base64'), json: value };
  }
}
