import { DataType, StatusCodes, Variant, type Namespace, type UAObject } from 'node-opcua';

/** `Demo.Multiply(a: Double, b: Double) -> product: Double`: something for Call requests to call. */
export function addDemoMethod(namespace: Namespace, parent: UAObject): void {
  const method = namespace.addMethod(parent, {
    browseName: 'Multiply',
    nodeId: 's=Multiply',
    inputArguments: [
      { name: 'a', description: { text: 'first factor' }, dataType: DataType.Double },
      { name: 'b', description: { text: 'second factor' }, dataType: DataType.Double },
    ],
    outputArguments: [{ name: 'product', description: { text: 'a times b' }, dataType: DataType.Double }],
  });
  // Two parameters: node-opcua treats the function as async (it callbackifies it).
  method.bindMethod(async (inputArguments: Variant[], _context: unknown) => {
    const [a, b] = inputArguments.map((argument: Variant) => Number(argument.value));
    return {
      statusCode: StatusCodes.Good,
      outputArguments: [new Variant({ dataType: DataType.Double, value: a * b })],
    };
  });
}
