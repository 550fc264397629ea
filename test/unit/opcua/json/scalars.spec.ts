import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataType, ExpandedNodeId, NodeId, NodeIdType, StatusCodes, Variant, VariantArrayType } from 'node-opcua';
import { decodeExpandedNodeId, decodeNodeId, decodeStatusCode, decodeVariant, defaultJsonFormat, encodeExpandedNodeId, encodeNodeId, encodeStatusCode, encodeVariant, formatG6, JsonDecodeError, parseBoolean, parseDateTime, type JsonFormat } from '../../../../lib/opcua/json';

const g6: JsonFormat = { numbers: 'g6', timestamps: 'seconds' };

describe('OPC UA JSON: scalars, StatusCode and NodeId', () => {
  it('writes StatusCodes as unsigned decimal strings and reads them back', () => {
    assert.equal(encodeStatusCode(StatusCodes.Good), '0');
    assert.equal(encodeStatusCode(StatusCodes.BadNodeIdUnknown), '2150891520');
    assert.equal(encodeStatusCode(StatusCodes.BadInvalidArgument), '2158690304');
    assert.equal(decodeStatusCode('2149974016', 's').value, StatusCodes.BadSessionClosed.value);
    assert.throws(() => decodeStatusCode('Bad', 's'), JsonDecodeError);
  });

  it('formats doubles like printf %g with 6 digits when asked (ASNeG), shortest round trip by default', () => {
    assert.equal(formatG6(2109210.5), '2.10921e+06');
    assert.equal(formatG6(3.14159265), '3.14159');
    assert.equal(formatG6(100), '100');
    assert.equal(formatG6(0.5), '0.5');
    assert.equal(formatG6(1e-5), '1e-05');
    assert.equal(formatG6(1234567), '1.23457e+06');
    assert.equal(formatG6(NaN), 'nan');
    assert.equal(formatG6(-Infinity), '-inf');
    const pi = new Variant({ dataType: DataType.Double, value: 3.14159265 });
    assert.deepEqual(encodeVariant(pi, defaultJsonFormat), { Type: '11', Body: '3.14159265' });
    assert.deepEqual(encodeVariant(pi, g6), { Type: '11', Body: '3.14159' });
    assert.deepEqual(encodeVariant(new Variant({ dataType: DataType.Float, value: 0.1 }), defaultJsonFormat), { Type: '10', Body: '0.1' });
  });

  it('reads booleans as ASNeG does: "true" in any case is true, "1" is false', () => {
    assert.equal(parseBoolean('TRUE', 'b'), true);
    assert.equal(parseBoolean(true, 'b'), true);
    assert.equal(parseBoolean('1', 'b'), false);
  });

  it('reads date-times with Z or an offset, and refuses other text', () => {
    assert.equal(parseDateTime('2020-03-05T07:44:17Z', 'd').toISOString(), '2020-03-05T07:44:17.000Z');
    assert.equal(parseDateTime('2020-03-05T09:44:17+02:00', 'd').toISOString(), '2020-03-05T07:44:17.000Z');
    assert.equal(parseDateTime('2020-03-05T06:44:17-0100', 'd').toISOString(), '2020-03-05T07:44:17.000Z');
    assert.throws(() => parseDateTime('20200305T074417', 'd'), JsonDecodeError);
  });

  it('writes NodeIds with IdType, Id and Namespace, omitting the defaults', () => {
    assert.deepEqual(encodeNodeId(new NodeId(NodeIdType.NUMERIC, 85, 0)), { Id: '85' });
    assert.deepEqual(encodeNodeId(new NodeId(NodeIdType.NUMERIC, 208, 2)), { Id: '208', Namespace: '2' });
    assert.deepEqual(encodeNodeId(new NodeId(NodeIdType.STRING, 'DoubleValue', 12)), { IdType: '1', Id: 'DoubleValue', Namespace: '12' });
    assert.deepEqual(encodeNodeId(new NodeId(NodeIdType.BYTESTRING, Buffer.from([1, 2, 3]), 1)), { IdType: '3', Id: 'AQID', Namespace: '1' });
    assert.deepEqual(Object.keys(encodeNodeId(new NodeId(NodeIdType.STRING, 'x', 3))), ['IdType', 'Id', 'Namespace']);
  });

  it('writes GUIDs with the first three groups byte-swapped, as ASNeG does, and reads them back', () => {
    const nodeId = new NodeId(NodeIdType.GUID, '72962B91-FA75-4AE6-8D28-B404DC7DAF63', 1);
    const json = encodeNodeId(nodeId);
    assert.deepEqual(json, { IdType: '2', Id: '912B9672-75FA-E64A-8D28-B404DC7DAF63', Namespace: '1' });
    assert.equal(decodeNodeId(json, 'n').toString(), nodeId.toString());
  });

  it('reads NodeIds leniently (numbers for strings) and refuses what ASNeG refuses', () => {
    assert.equal(decodeNodeId({ Id: 2258 }, 'n').toString(), 'ns=0;i=2258');
    assert.equal(decodeNodeId({ IdType: '1', Id: 'Setpoint', Namespace: '1' }, 'n').toString(), 'ns=1;s=Setpoint');
    assert.throws(() => decodeNodeId({ Id: 'abc' }, 'n'), /not a whole number/);
    assert.throws(() => decodeNodeId({ IdType: '7', Id: '1' }, 'n'), /out of range/);
    assert.throws(() => decodeNodeId('i=85', 'n'), JsonDecodeError);
  });

  it('writes ExpandedNodeIds with a namespace URI and server index when set', () => {
    const expanded = new ExpandedNodeId(NodeIdType.NUMERIC, 5, 0, 'urn:plant', 2);
    assert.deepEqual(encodeExpandedNodeId(expanded), { Id: '5', Namespace: 'urn:plant', ServerUri: '2' });
    const back = decodeExpandedNodeId({ Id: '5', Namespace: 'urn:plant', ServerUri: '2' }, 'e');
    assert.equal(back.namespaceUri, 'urn:plant');
    assert.equal(back.serverIndex, 2);
    assert.equal(decodeExpandedNodeId({ Id: '5', Namespace: '3' }, 'e').namespace, 3);
  });
});

describe('OPC UA JSON: Variant', () => {
  const encode = (variant: Variant) => encodeVariant(variant, defaultJsonFormat);

  it('writes scalars of every simple type as strings', () => {
    assert.deepEqual(encode(new Variant({ dataType: DataType.Boolean, value: true })), { Type: '1', Body: 'true' });
    assert.deepEqual(encode(new Variant({ dataType: DataType.Int32, value: 555 })), { Type: '6', Body: '555' });
    assert.deepEqual(encode(new Variant({ dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: [0xffffffff, 0xfffffffb] })), { Type: '8', Body: '-5' });
    assert.deepEqual(encode(new Variant({ dataType: DataType.UInt64, arrayType: VariantArrayType.Scalar, value: [1, 0] })), { Type: '9', Body: '4294967296' });
    assert.deepEqual(encode(new Variant({ dataType: DataType.String, value: 'a/b' })), { Type: '12', Body: 'a/b' });
    assert.deepEqual(encode(new Variant({ dataType: DataType.DateTime, value: new Date('2020-03-05T07:44:17.250Z') })), { Type: '13', Body: '2020-03-05T07:44:17Z' });
    assert.deepEqual(encode(new Variant({ dataType: DataType.ByteString, value: Buffer.from('hi') })), { Type: '15', Body: 'aGk=' });
    assert.deepEqual(encode(new Variant({ dataType: DataType.StatusCode, value: StatusCodes.BadNotWritable })), { Type: '19', Body: '2151350272' });
    assert.deepEqual(encode(new Variant({ dataType: DataType.LocalizedText, value: { text: 'Objects' } })), { Type: '21', Body: { Locale: '', Text: 'Objects' } });
    assert.deepEqual(encode(new Variant({ dataType: DataType.QualifiedName, value: { name: 'Server', namespaceIndex: 2 } })), { Type: '20', Body: { Name: 'Server', Uri: '2' } });
    assert.deepEqual(encode(new Variant({ dataType: DataType.NodeId, value: new NodeId(NodeIdType.NUMERIC, 85, 0) })), { Type: '17', Body: { Id: '85' } });
  });

  it('writes a null variant as Type 0 without Body, and an empty array as "Body": ""', () => {
    assert.deepEqual(encode(new Variant({})), { Type: '0' });
    assert.deepEqual(encode(new Variant({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: [] })), { Type: '11', Body: '' });
  });

  it('writes and reads arrays as JSON arrays of elements', () => {
    const variant = new Variant({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: [2109210.5, 1.5] });
    assert.deepEqual(encode(variant), { Type: '11', Body: ['2109210.5', '1.5'] });
    assert.deepEqual(encodeVariant(variant, g6), { Type: '11', Body: ['2.10921e+06', '1.5'] });
    const back = decodeVariant({ Type: '11', Body: ['2.10921e+06', '2.10922e+06'] }, 'v', defaultJsonFormat);
    assert.equal(back.arrayType, VariantArrayType.Array);
    assert.deepEqual(Array.from(back.value as Float64Array), [2109210, 2109220]);
  });

  it('reads scalars leniently: Type and Body may be JSON numbers and booleans', () => {
    assert.equal(decodeVariant({ Type: 11, Body: 42.5 }, 'v', defaultJsonFormat).value, 42.5);
    assert.equal(decodeVariant({ Type: '1', Body: true }, 'v', defaultJsonFormat).value, true);
    assert.deepEqual(decodeVariant({ Type: '8', Body: '-9007199254740993' }, 'v', defaultJsonFormat).value, [0xffdfffff, 0xffffffff]);
    assert.equal(decodeVariant({ Type: '0' }, 'v', defaultJsonFormat).dataType, DataType.Null);
  });

  it('refuses values that do not fit their type', () => {
    assert.throws(() => decodeVariant({ Type: '3', Body: '256' }, 'v', defaultJsonFormat), /out of range/);
    assert.throws(() => decodeVariant({ Type: '6', Body: '1.5' }, 'v', defaultJsonFormat), /whole number/);
    assert.throws(() => decodeVariant({ Type: '11', Body: 'abc' }, 'v', defaultJsonFormat), /not a number/);
    assert.throws(() => decodeVariant({ Type: '26', Body: '1' }, 'v', defaultJsonFormat), /out of range/);
    assert.throws(() => decodeVariant({ Type: '6' }, 'v', defaultJsonFormat), /Body: is missing/);
    assert.throws(() => decodeVariant({ Type: '21', Body: 'text' }, 'v', defaultJsonFormat), JsonDecodeError);
  });
});
