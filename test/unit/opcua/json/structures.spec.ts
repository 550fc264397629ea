import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BrowseResult, BuildInfo, DataType, DataValue, ExpandedNodeId, HistoryData, HistoryReadRequest, NodeId, NodeIdType, ReadRawModifiedDetails, ReadRequest, ReferenceDescription, ServerState, ServerStatusDataType, StatusCodes, Variant } from 'node-opcua';
import { decodeDataValue, decodeExtensible, decodeStructure, decodeVariant, defaultJsonFormat, encodeDataValue, encodeExtensible, encodeStructure, encodeVariant, JsonDecodeError, structureClassByName } from '../../../../lib/opcua/json';

const format = defaultJsonFormat;

describe('OPC UA JSON: DataValue', () => {
  it('writes Value, Status (when bad), timestamps and picoseconds in ASNeG order', () => {
    const time = new Date('2020-03-05T07:44:17Z');
    const good = new DataValue({ value: new Variant({ dataType: DataType.Int32, value: 555 }), sourceTimestamp: time, serverTimestamp: time });
    assert.deepEqual(encodeDataValue(good, format), { Value: { Type: '6', Body: '555' }, SourceTimestamp: '2020-03-05T07:44:17Z', ServerTimestamp: '2020-03-05T07:44:17Z' });
    const bad = new DataValue({ statusCode: StatusCodes.BadNodeIdUnknown });
    assert.deepEqual(encodeDataValue(bad, format), { Value: { Type: '0' }, Status: '2150891520' }, 'decision 4: per-node errors are encoded, not a whole-response failure');
    // PicoSeconds go with the 100 ns timestamp form only (see precise-time.spec.ts); node-opcua's 70 ps are 7 x 10 ps.
    const pico = new DataValue({ value: new Variant({ dataType: DataType.Boolean, value: false }), sourceTimestamp: time, sourcePicoseconds: 70 });
    assert.deepEqual(Object.keys(encodeDataValue(pico, { ...format, timestamps: '100ns' })), ['Value', 'SourceTimestamp', 'SourcePicoSeconds']);
    assert.equal(encodeDataValue(pico, { ...format, timestamps: '100ns' }).SourcePicoSeconds, '7');
  });

  it('reads a DataValue and requires its Value', () => {
    const value = decodeDataValue({ Value: { Type: '11', Body: '1.5' }, Status: '0', SourceTimestamp: '2020-03-05T07:44:17Z' }, 'd', format);
    assert.equal(value.value.value, 1.5);
    assert.equal(value.sourceTimestamp?.toISOString(), '2020-03-05T07:44:17.000Z');
    assert.throws(() => decodeDataValue({ Status: '0' }, 'd', format), /Value: is missing/);
  });
});

describe('OPC UA JSON: ExtensionObject and extensible parameters', () => {
  it('writes an ExtensionObject in a Variant with its JSON encoding id and a type-name wrapper', () => {
    const status = new ServerStatusDataType({
      startTime: new Date('2020-01-01T00:00:00Z'), currentTime: new Date('2020-01-01T00:01:00Z'), state: ServerState.Running,
      buildInfo: new BuildInfo({ productName: 'p', buildNumber: '1' }), secondsTillShutdown: 0,
    });
    const json = encodeVariant(new Variant({ dataType: DataType.ExtensionObject, value: status }), format);
    assert.deepEqual(json.Type, '22');
    const body = json.Body as { TypeId: unknown; Body: { ServerStatusDataType: Record<string, unknown> } };
    assert.deepEqual(body.TypeId, { Id: '15367' });
    const fields = body.Body.ServerStatusDataType;
    assert.equal(fields.StartTime, '2020-01-01T00:00:00Z');
    assert.equal(fields.State, '0');
    assert.equal(fields.SecondsTillShutdown, '0');
    assert.deepEqual(fields.ShutdownReason, { Locale: '', Text: '' });
    assert.equal((fields.BuildInfo as Record<string, unknown>).ProductName, 'p');
    const back = decodeVariant(json, 'v', format).value as ServerStatusDataType;
    assert.ok(back instanceof ServerStatusDataType);
    assert.equal(back.buildInfo.productName, 'p');
  });

  it('reads and writes extensible parameters with the JSON encoding id and no wrapper', () => {
    const details = decodeExtensible({
      TypeId: { Id: '15263' },
      Body: { IsReadModified: 'False', StartTime: '2019-05-04T14:33:04Z', EndTime: '2050-05-04T14:33:04Z', NumValuesPerNode: '0', ReturnBounds: 'True' },
    }, 'HistoryReadDetails', format);
    assert.ok(details instanceof ReadRawModifiedDetails);
    assert.equal(details.returnBounds, true);
    assert.equal(details.isReadModified, false);
    assert.equal(details.endTime?.toISOString(), '2050-05-04T14:33:04.000Z');
    const data = new HistoryData({ dataValues: [new DataValue({ value: new Variant({ dataType: DataType.Double, value: 2 }) })] });
    assert.deepEqual(encodeExtensible(data, format), { TypeId: { Id: '15270' }, Body: { DataValues: [{ Value: { Type: '11', Body: '2' } }] } });
  });

  it('refuses binary encoding ids for extensible parameters, naming the JSON id', () => {
    assert.throws(() => decodeExtensible({ TypeId: { Id: '649' }, Body: {} }, 'd', format), (error: unknown) => error instanceof JsonDecodeError && /15263/.test(error.message));
    assert.throws(() => decodeExtensible({ TypeId: { Id: '1' }, Body: {} }, 'd', format), JsonDecodeError);
  });
});

describe('OPC UA JSON: service structures', () => {
  it('decodes a request body with PascalCase names, node-opcua defaults, ASNeG defaults and required fields', () => {
    const rules = { defaults: { 'ReadRequest.TimestampsToReturn': '2' }, required: new Set(['ReadRequest.NodesToRead', 'ReadValueId.NodeId']) };
    const request = decodeStructure<ReadRequest>(ReadRequest, {
      NodesToRead: [{ NodeId: { Namespace: '2', Id: '208' }, AttributeId: '13' }, { NodeId: { IdType: '1', Id: 'x', Namespace: 1 } }],
    }, 'Body', format, rules);
    assert.ok(request instanceof ReadRequest);
    assert.equal(request.nodesToRead?.length, 2);
    assert.equal(request.nodesToRead?.[0].nodeId.toString(), 'ns=2;i=208');
    assert.equal(request.nodesToRead?.[1].attributeId, 13);
    assert.equal(request.timestampsToReturn, 2);
    assert.throws(() => decodeStructure(ReadRequest, {}, 'Body', format, rules), /NodesToRead: is missing/);
    assert.throws(() => decodeStructure(ReadRequest, { NodesToRead: [{ AttributeId: '13' }] }, 'Body', format, rules), /NodeId: is missing/);
    assert.throws(() => decodeStructure(ReadRequest, { NodesToRead: {} }, 'Body', format, rules), /must be an array/);
  });

  it('decodes extensible fields inside a request (HistoryReadRequest)', () => {
    const request = decodeStructure<HistoryReadRequest>(HistoryReadRequest, {
      HistoryReadDetails: { TypeId: { Id: '15263' }, Body: { IsReadModified: 'false', NumValuesPerNode: '10', ReturnBounds: 'false' } },
      NodesToRead: [{ NodeId: { Id: '2258' } }],
    }, 'Body', format);
    assert.ok(request.historyReadDetails instanceof ReadRawModifiedDetails);
    assert.equal((request.historyReadDetails as ReadRawModifiedDetails).numValuesPerNode, 10);
  });

  it('encodes a response structure: enumerations as numbers, empty arrays as [], nulls omitted', () => {
    const result = new BrowseResult({
      statusCode: StatusCodes.Good,
      references: [new ReferenceDescription({
        referenceTypeId: new NodeId(NodeIdType.NUMERIC, 35, 0), isForward: true, nodeId: new ExpandedNodeId(NodeIdType.NUMERIC, 2253, 0),
        browseName: { name: 'Server' }, displayName: { text: 'Server' }, nodeClass: 1, typeDefinition: new ExpandedNodeId(NodeIdType.NUMERIC, 2004, 0),
      })],
    });
    const json = encodeStructure(result, format);
    assert.equal(json.StatusCode, '0');
    assert.equal(json.ContinuationPoint, undefined);
    assert.deepEqual(json.References, [{
      ReferenceTypeId: { Id: '35' }, IsForward: 'true', NodeId: { Id: '2253' }, BrowseName: { Name: 'Server' },
      DisplayName: { Locale: '', Text: 'Server' }, NodeClass: '1', TypeDefinition: { Id: '2004' },
    }]);
    assert.deepEqual(encodeStructure(new BrowseResult({}), format), { StatusCode: '0', References: [] });
  });

  it('finds node-opcua structure classes by name', () => {
    assert.equal(structureClassByName('CallMethodRequest')?.schema.name, 'CallMethodRequest');
    assert.equal(structureClassByName('NoSuchThing'), undefined);
  });
});
