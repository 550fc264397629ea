import * as opcua from 'node-opcua';
import type { ExpandedNodeId, NodeId } from 'node-opcua';

/** The parts of a node-opcua field description the JSON codec reads (node-opcua-factory's StructuredTypeField). */
export interface StructureField {
  name: string;
  originalName: string;
  fieldType: string;
  isArray?: boolean;
  category: string;
  schema?: { name: string; subType?: string };
}

/** The parts of a node-opcua structure schema the codec reads (node-opcua-factory's IStructuredTypeSchema). */
export interface StructureSchema {
  name: string;
  fields: StructureField[];
  getBaseSchema(): StructureSchema | null;
}

/** An instance of a node-opcua structure (ReadRequest, BrowseResult, ServerStatusDataType, ...). */
export interface Structure {
  schema: StructureSchema;
}

/** A node-opcua structure class with its schema and encoding ids. */
export interface StructureClass {
  new (options?: Record<string, unknown>): Structure;
  schema: StructureSchema;
  encodingDefaultJson?: ExpandedNodeId;
  encodingDefaultBinary?: ExpandedNodeId;
}

function isStructureClass(value: unknown): value is StructureClass {
  if (typeof value !== 'function') return false;
  const schema = (value as { schema?: unknown }).schema;
  return typeof schema === 'object' && schema !== null && Array.isArray((schema as { fields?: unknown }).fields);
}

interface Registry {
  byName: Map<string, StructureClass>;
  byJsonId: Map<string, StructureClass>;
  byOtherId: Map<string, StructureClass>;
}

let registry: Registry | undefined;

/**
 * Every standard structure node-opcua exports, by name and by encoding id. node-opcua does not export
 * its data type factory, but it exports each class, and each class carries its schema and encoding ids.
 */
function classes(): Registry {
  if (registry) return registry;
  const built: Registry = { byName: new Map(), byJsonId: new Map(), byOtherId: new Map() };
  for (const value of Object.values(opcua)) {
    if (!isStructureClass(value)) continue;
    built.byName.set(value.schema.name, value);
    if (value.encodingDefaultJson) built.byJsonId.set(idKey(value.encodingDefaultJson), value);
    if (value.encodingDefaultBinary) built.byOtherId.set(idKey(value.encodingDefaultBinary), value);
    const dataTypeNodeId = (value.schema as { dataTypeNodeId?: NodeId }).dataTypeNodeId;
    if (dataTypeNodeId && dataTypeNodeId.value !== 0) built.byOtherId.set(idKey(dataTypeNodeId), value);
  }
  registry = built;
  return built;
}

function idKey(nodeId: NodeId): string {
  return `${nodeId.namespace}:${String(nodeId.value)}`;
}

export function structureClassByName(name: string): StructureClass | undefined {
  return classes().byName.get(name);
}

/** The class whose JSON encoding id this is (what ASNeG's extensible parameters carry). */
export function structureClassByJsonId(nodeId: NodeId): StructureClass | undefined {
  return classes().byJsonId.get(idKey(nodeId));
}

/** The class whose binary encoding id or data type id this is. */
export function structureClassByOtherId(nodeId: NodeId): StructureClass | undefined {
  return classes().byOtherId.get(idKey(nodeId));
}

export function structureClassOf(value: Structure): StructureClass | undefined {
  const ctor = (value as { constructor?: unknown }).constructor;
  return isStructureClass(ctor) ? ctor : structureClassByName(value.schema.name);
}

/** Every field of a schema, those of its base types first. */
export function allFields(schema: StructureSchema): StructureField[] {
  const base = schema.getBaseSchema();
  return base ? [...allFields(base), ...schema.fields] : schema.fields;
}

export function isStructure(value: unknown): value is Structure {
  if (typeof value !== 'object' || value === null) return false;
  const schema = (value as { schema?: unknown }).schema;
  return typeof schema === 'object' && schema !== null && Array.isArray((schema as { fields?: unknown }).fields);
}
