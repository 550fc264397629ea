import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DataType, DataValue, StatusCodes, Variant, VariantArrayType } from 'node-opcua';
import { parseAsnegTime, statusName } from '../../../../lib/dialects/opcua-server/asneg-text';
import { decodeRequest } from '../../../../lib/dialects/opcua-server/envelope';
import { JsonDecodeError, decodeDataValue as decodeJsonDataValue, encodeDataValue, formatG6, type JsonValue } from '../../../../lib/opcua/json';

/** The 8081 dialect speaks the same JSON of OPC UA values as the gateway (lib/opcua/json). */
const decodeDataValue = (json: unknown) => decodeJsonDataValue(json as JsonValue, 'Value', { numbers: 'shortest', timestamps: 'seconds' });

describe('opcua-server text rules', () => {
  it('formats doubles like C printf %g with precision 6 when asked (asnegNumbers g6)', () => {
    assert.equal(formatG6(2109210.5), '2.10921e+06');
    assert.equal(formatG6(3.14159265), '3.14159');
    assert.equal(formatG6(100), '100');
    assert.equal(formatG6(0.5), '0.5');
    assert.equal(formatG6(1e-5), '1e-05');
    assert.equal(formatG6(1234567), '1.23457e+06');
    assert.equal(formatG6(-0.000123456), '-0.000123456');
  });

  it('reads HISTORICALREAD times in basic, extended and NOW forms, as UTC', () => {
    assert.equal(parseAsnegTime('20020131T225959')?.toISOString(), '2002-01-31T22:59:59.000Z');
    assert.equal(parseAsnegTime('2019-07-26T11:10:20.000Z')?.toISOString(), '2019-07-26T11:10:20.000Z');
    assert.equal(parseAsnegTime('2019-07-26T11:10:20')?.toISOString(), '2019-07-26T11:10:20.000Z');
    assert.equal(parseAsnegTime('NOW', 1000)?.getTime(), 1000);
    assert.equal(parseAsnegTime('yesterday'), undefined);
    assert.equal(parseAsnegTime(undefined), undefined);
  });

  it('names status codes as ASNeG does', () => {
    assert.equal(statusName(StatusCodes.Good), 'Success');
    assert.equal(statusName(StatusCodes.BadNodeIdUnknown), 'BadNodeIdUnknown');
  });

  it('encodes DataValues with string scalars and whole-second timestamps', () => {
    const time = new Date(Date.UTC(2020, 2, 5, 7, 44, 17, 123));
    const value = new DataValue({ value: new Variant({ dataType: DataType.Int64, arrayType: VariantArrayType.Scalar, value: [0xffffffff, 0xfffffffe] }), sourceTimestamp: time, serverTimestamp: time });
    assert.deepEqual(encodeDataValue(value, { numbers: 'shortest', timestamps: 'seconds' }), {
      Value: { Type: '8', Body: '-2' }, SourceTimestamp: '2020-03-05T07:44:17Z', ServerTimestamp: '2020-03-05T07:44:17Z',
    });
    const empty = new DataValue({ value: new Variant({ dataType: DataType.Double, arrayType: VariantArrayType.Array, value: [] }) });
    assert.deepEqual(encodeDataValue(empty, { numbers: 'shortest', timestamps: 'milliseconds' }), { Value: { Type: '11', Body: '' } }, 'an empty array is "Body": ""');
  });

  it('decodes written values leniently but refuses what does not fit the type', () => {
    assert.equal(decodeDataValue({ Value: { Type: 1, Body: 'TRUE' } }).value.value, true);
    assert.equal(decodeDataValue({ Value: { Type: '1', Body: '1' } }).value.value, false, '"1" is false, as in ASNeG');
    assert.deepEqual(decodeDataValue({ Value: { Type: '8', Body: '-2' } }).value.value, [0xffffffff, 0xfffffffe]);
    assert.throws(() => decodeDataValue({ Value: { Type: '3', Body: '256' } }), JsonDecodeError);
    assert.throws(() => decodeDataValue({ Value: { Type: '6', Body: '1.5' } }), JsonDecodeError);
    assert.throws(() => decodeDataValue({ Value: { Type: '99', Body: '1' } }), JsonDecodeError);
    assert.throws(() => decodeDataValue({ Type: '11', Body: '1' }), JsonDecodeError);
  });

  it('ignores frames without MessageType, ClientHandle or Body, and takes ClientHandler as an alias', () => {
    const decode = (value: unknown): number => {
      const result = decodeRequest(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)), false);
      assert.ok(result.ok);
      return result.messages.length;
    };
    assert.equal(decode('{'), 0);
    assert.equal(decode({ Header: { MessageType: 'READ_REQUEST' }, Body: {} }), 0);
    assert.equal(decode({ Header: { ClientHandle: '1' }, Body: {} }), 0);
    assert.equal(decode({ Header: { MessageType: 'READ_REQUEST', ClientHandle: '1' } }), 0);
    assert.equal(decode({ Header: { MessageType: 'READ_REQUEST', ClientHandler: 7 }, Body: {} }), 1);
    const result = decodeRequest(Buffer.from(JSON.stringify({ Header: { MessageType: 'VALUELIST_REQUEST', ClientHandle: 1 }, Body: '' })), false);
    assert.ok(result.ok);
    assert.equal(result.messages[0].handle, '1');
  });
});
