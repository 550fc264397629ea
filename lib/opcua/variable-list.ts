import { isNodeIdText } from './node-ids';

/** One entry of a ws-gateway-opcua node's variable list: the name clients use and where it lives. */
export interface OpcuaVariable {
  name: string;
  /** `ns=2;s=Setpoint`, `i=2258` or `nsu=<namespace URI>;s=Setpoint`. */
  nodeId: string;
  /** Sampling interval of its monitored item in ms (0 = the server's fastest). */
  samplingInterval?: number;
  /** False makes the variable read-only for every dialect, whatever the server allows. */
  writable?: boolean;
  /** Free JSON served as VALUEINFO MetaData (ASNeG's `<MetaData>`); `type`/`isArray` there also name the type. */
  metadata?: Record<string, unknown>;
  description?: string;
  unit?: string;
}

export interface ParsedVariableList {
  variables: OpcuaVariable[];
  /** What was wrong with the entries left out, one line each. */
  problems: string[];
}

/** Validates a variable list as the editor stores it (an array of entries; a JSON text is accepted too). */
export function parseVariableList(input: unknown): ParsedVariableList {
  let list = input;
  if (typeof list === 'string') {
    try {
      list = list.trim() === '' ? [] : JSON.parse(list);
    } catch (error) {
      return { variables: [], problems: [`the variable list is not valid JSON: ${(error as Error).message}`] };
    }
  }
  if (list === undefined || list === null) return { variables: [], problems: [] };
  if (!Array.isArray(list)) return { variables: [], problems: ['the variable list must be an array'] };
  const variables: OpcuaVariable[] = [];
  const problems: string[] = [];
  const seen = new Set<string>();
  list.forEach((raw: unknown, index) => {
    if (raw === null || typeof raw !== 'object') {
      problems.push(`entry ${index + 1} is not an object`);
      return;
    }
    const entry = raw as Record<string, unknown>;
    const name = typeof entry.name === 'string' ? entry.name.trim() : '';
    const nodeId = typeof entry.nodeId === 'string' ? entry.nodeId.trim() : '';
    if (!name) return void problems.push(`entry ${index + 1} has no name`);
    if (seen.has(name)) return void problems.push(`${name}: the name is used twice`);
    if (!isNodeIdText(nodeId)) return void problems.push(`${name}: "${nodeId}" is not a NodeId`);
    seen.add(name);
    const variable: OpcuaVariable = { name, nodeId };
    const interval = Number(entry.samplingInterval);
    if (entry.samplingInterval !== undefined && entry.samplingInterval !== '' && Number.isFinite(interval) && interval >= 0) variable.samplingInterval = interval;
    if (entry.writable === false) variable.writable = false;
    const metadata = parseMetadata(entry.metadata);
    if (metadata === null) return void problems.push(`${name}: the metadata is not a JSON object`);
    if (metadata) variable.metadata = metadata;
    if (typeof entry.description === 'string' && entry.description) variable.description = entry.description;
    if (typeof entry.unit === 'string' && entry.unit) variable.unit = entry.unit;
    variables.push(variable);
  });
  return { variables, problems };
}

/** undefined: none given; null: given but unusable. */
function parseMetadata(value: unknown): Record<string, unknown> | undefined | null {
  if (value === undefined || value === '' || value === null) return undefined;
  let parsed = value;
  if (typeof parsed === 'string') {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      return null;
    }
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
}
