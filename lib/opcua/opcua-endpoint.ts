import { OpcuaConnection, type OpcuaConnectionOptions } from './connection';
import { OpcuaTagSource } from './tag-source';
import type { OpcuaVariable } from './variable-list';
import { VariableTypes } from './variable-types';

export interface OpcuaEndpointOptions extends OpcuaConnectionOptions {
  /** Id of the ws-gateway-opcua node; names its tag source. */
  id: string;
  variables: readonly OpcuaVariable[];
}

/**
 * What a ws-gateway-opcua node holds and hands to dialects: the shared connection, the variable list
 * (name -> NodeId, metadata) and the tag source that shows the list in the tag space.
 */
export class OpcuaEndpoint {
  readonly connection: OpcuaConnection;
  readonly variables: ReadonlyMap<string, OpcuaVariable>;
  /** The names in ASNeG's VALUELIST order: byte-wise sorted. */
  readonly names: readonly string[];
  readonly types: VariableTypes;
  readonly tagSource: OpcuaTagSource;

  constructor(readonly options: OpcuaEndpointOptions) {
    this.connection = new OpcuaConnection(options);
    this.variables = new Map(options.variables.map((variable) => [variable.name, variable]));
    this.names = [...this.variables.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
    this.types = new VariableTypes(options.variables);
    this.tagSource = new OpcuaTagSource(`opcua:${options.id}`, this.connection, options.variables, this.types);
  }

  start(): void {
    this.connection.start();
  }

  close(): Promise<void> {
    return this.connection.close();
  }
}
