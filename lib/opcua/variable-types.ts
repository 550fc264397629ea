import { DataType, VariantArrayType, type DataValue } from 'node-opcua';
import type { OpcuaVariable } from './variable-list';

export interface VariableType {
  dataType: DataType;
  isArray: boolean;
}

/**
 * What each variable holds, learned from its metadata (`type`, `isArray`) or from the first value read,
 * so writes can build the right Variant and VALUEINFO can name the type without asking again.
 */
export class VariableTypes {
  private readonly known = new Map<string, VariableType>();

  constructor(variables: readonly OpcuaVariable[]) {
    for (const variable of variables) {
      const declared = declaredType(variable);
      if (declared) this.known.set(variable.name, declared);
    }
  }

  get(name: string): VariableType | undefined {
    return this.known.get(name);
  }

  learn(name: string, value: DataValue): VariableType | undefined {
    const variant = value.value;
    if (!variant || variant.dataType === DataType.Null) return this.known.get(name);
    const learned = { dataType: variant.dataType, isArray: variant.arrayType !== VariantArrayType.Scalar };
    if (!this.known.has(name)) this.known.set(name, learned);
    return this.known.get(name);
  }
}

function declaredType(variable: OpcuaVariable): VariableType | undefined {
  const type = variable.metadata?.type;
  if (typeof type !== 'string') return undefined;
  const dataType = (DataType as unknown as Record<string, DataType | undefined>)[type];
  if (dataType === undefined || typeof dataType !== 'number') return undefined;
  const isArray = variable.metadata?.isArray === true || variable.metadata?.isArray === 'true';
  return { dataType, isArray };
}
