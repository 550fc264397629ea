import {
  coerceExpandedNodeId, DataType, DataValue, DiagnosticInfo, LocalizedText, QualifiedName, Range, resolveNodeId, SessionContext, StatusCodes, Variant, VariantArrayType,
  type Namespace, type UAObject, type UAVariable,
} from 'node-opcua';

/**
 * Values as open62541 serves them: timestamps below the millisecond (100 ns digits) plus PicoSeconds.
 * node-opcua's picoseconds are the part below the millisecond: here 4567 x 100 ns and 2300 x 10 ps.
 */
export const preciseSource = { date: new Date('2024-05-06T07:08:09.123Z'), picoseconds: 456_723_000 };
export const preciseServer = { date: new Date('2024-05-06T07:08:10.765Z'), picoseconds: 432_104_100 };
/** The same instants as the 100 ns wire form writes them (the server time is for encoder tests only). */
export const preciseSourceText = '2024-05-06T07:08:09.1234567Z';
export const preciseSourcePicoSeconds = '2300';
export const preciseServerText = '2024-05-06T07:08:10.7654321Z';
export const preciseServerPicoSeconds = '410';

/** A DateTime value with 100 ns digits, as node-opcua decodes one (the Date carries `picoseconds`). */
function preciseDateTime(): Date {
  const date = new Date('2023-02-03T04:05:06.789Z') as Date & { picoseconds?: number };
  date.picoseconds = 123_400_000;
  return date;
}

/** One writable variable per built-in type a Value attribute holds: name, DataType of the variable, and its Variant. */
export function builtinSamples(namespaceIndex: number): { name: string; dataType: string; variant: Variant }[] {
  const scalar = (dataType: DataType, value: unknown): Variant => new Variant({ dataType, arrayType: VariantArrayType.Scalar, value });
  return [
    { name: 'Boolean', dataType: 'Boolean', variant: scalar(DataType.Boolean, true) },
    { name: 'SByte', dataType: 'SByte', variant: scalar(DataType.SByte, -5) },
    { name: 'Byte', dataType: 'Byte', variant: scalar(DataType.Byte, 200) },
    { name: 'Int16', dataType: 'Int16', variant: scalar(DataType.Int16, -300) },
    { name: 'UInt16', dataType: 'UInt16', variant: scalar(DataType.UInt16, 60000) },
    { name: 'Int32', dataType: 'Int32', variant: scalar(DataType.Int32, -70000) },
    { name: 'UInt32', dataType: 'UInt32', variant: scalar(DataType.UInt32, 4_000_000_000) },
    { name: 'Int64', dataType: 'Int64', variant: scalar(DataType.Int64, [0x12, 0x345678]) },
    { name: 'UInt64', dataType: 'UInt64', variant: scalar(DataType.UInt64, [0xffff, 1]) },
    { name: 'Float', dataType: 'Float', variant: scalar(DataType.Float, 3.25) },
    { name: 'Double', dataType: 'Double', variant: scalar(DataType.Double, Math.PI) },
    { name: 'String', dataType: 'String', variant: scalar(DataType.String, 'häßlich "quoted"') },
    { name: 'DateTime', dataType: 'DateTime', variant: scalar(DataType.DateTime, preciseDateTime()) },
    { name: 'Guid', dataType: 'Guid', variant: scalar(DataType.Guid, '72962B91-FA75-4AE6-8D28-B404DC7DAF63') },
    { name: 'ByteString', dataType: 'ByteString', variant: scalar(DataType.ByteString, Buffer.from([0, 1, 2, 255])) },
    { name: 'XmlElement', dataType: 'XmlElement', variant: scalar(DataType.XmlElement, '<a>1</a>') },
    { name: 'NodeId', dataType: 'NodeId', variant: scalar(DataType.NodeId, resolveNodeId(`ns=${namespaceIndex};s=Demo`)) },
    { name: 'ExpandedNodeId', dataType: 'ExpandedNodeId', variant: scalar(DataType.ExpandedNodeId, coerceExpandedNodeId(`ns=${namespaceIndex};i=42`)) },
    { name: 'StatusCode', dataType: 'StatusCode', variant: scalar(DataType.StatusCode, StatusCodes.BadOutOfRange) },
    { name: 'QualifiedName', dataType: 'QualifiedName', variant: scalar(DataType.QualifiedName, new QualifiedName({ namespaceIndex, name: 'Q' })) },
    { name: 'LocalizedText', dataType: 'LocalizedText', variant: scalar(DataType.LocalizedText, new LocalizedText({ locale: 'de', text: 'Hallo' })) },
    { name: 'ExtensionObject', dataType: 'Range', variant: scalar(DataType.ExtensionObject, new Range({ low: 1.5, high: 2.5 })) },
    { name: 'DataValue', dataType: 'DataValue', variant: scalar(DataType.DataValue, new DataValue({ value: { dataType: DataType.Int32, value: 7 } })) },
    { name: 'Variant', dataType: 'BaseDataType', variant: new Variant({ dataType: DataType.Variant, arrayType: VariantArrayType.Array, value: [scalar(DataType.Int32, 1), scalar(DataType.String, 'x')] }) },
    { name: 'DiagnosticInfo', dataType: 'DiagnosticInfo', variant: scalar(DataType.DiagnosticInfo, new DiagnosticInfo({ symbolicId: 3, additionalInfo: 'why' })) },
  ];
}

/**
 * Adds `Precise` (a writable Double) and `Types.<Name>` (one writable variable per built-in type) under
 * `parent`, every value stored with the sub-millisecond source timestamp above (a node-opcua server
 * stamps each read with its own clock, which has sub-millisecond digits too).
 */
export async function addPreciseVariables(namespace: Namespace, parent: UAObject): Promise<void> {
  const stamped = (variant: Variant): DataValue => new DataValue({
    value: variant, statusCode: StatusCodes.Good,
    sourceTimestamp: preciseSource.date, sourcePicoseconds: preciseSource.picoseconds,
  });
  const variables: [UAVariable, Variant][] = [];
  const precise = namespace.addVariable({ componentOf: parent, nodeId: 's=Precise', browseName: 'Precise', dataType: 'Double', minimumSamplingInterval: 50 });
  variables.push([precise, new Variant({ dataType: DataType.Double, value: 1.25 })]);
  for (const sample of builtinSamples(namespace.index)) {
    const variable = namespace.addVariable({
      componentOf: parent, nodeId: `s=Types.${sample.name}`, browseName: `Types.${sample.name}`, dataType: sample.dataType,
      valueRank: sample.variant.arrayType === VariantArrayType.Array ? 1 : -1, minimumSamplingInterval: 50,
    });
    variables.push([variable, sample.variant]);
  }
  for (const [variable, variant] of variables) {
    const status = await variable.writeValue(SessionContext.defaultContext, stamped(variant));
    if (status.isNotGood()) throw new Error(`${variable.browseName.toString()}: ${status.name}`);
  }
}
