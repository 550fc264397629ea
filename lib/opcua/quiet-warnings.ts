import { format } from 'node:util';
import { setWarningLogger } from 'node-opcua';

/** Where node-opcua's warning came from: the file's base name (without .js) and line. */
interface WarningContext {
  filename?: string;
  callerline?: number;
}

/**
 * node-opcua files whose warnings are expected, not problems: when it re-creates a subscription after
 * a reconnect it reads twelve OperationLimits nodes and dumps every DataValue a server does not have
 * (open62541 lacks eight), many lines each, on every reconnect. A missing limit node means "no limit",
 * which is how node-opcua goes on; the connection reads the one limit it uses itself.
 */
const expected = new Set(['read_operational_limits']);

let installed = false;

/**
 * Drops node-opcua's expected warnings; every other warning is still printed, as one line. node-opcua
 * has one warning logger per process, so this is installed once, by the first OPC UA connection.
 */
export function quietExpectedWarnings(print: (line: string) => void = (line) => console.warn(line)): void {
  if (installed) return;
  installed = true;
  setWarningLogger((context?: unknown, ...args: unknown[]) => {
    const { filename = '', callerline = '' } = (typeof context === 'object' && context !== null ? context : {}) as WarningContext;
    if (expected.has(filename)) return;
    print(`node-opcua ${filename}:${callerline} ${format(...args).replace(/\s*\n\s*/g, ' ')}`);
  });
}
