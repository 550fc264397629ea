import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BinaryStream, DataType, DataValue, Variant } from 'node-opcua';
import { decodeDataValue, decodeVariant, encodeDataValue, encodeVariant, JsonDecodeError, jsonFormatFromOptions, parseDateTime, type JsonFormat } from '../../../../lib/opcua/json';
import {
  builtinSamples, preciseServer, preciseServerPicoSeconds, preciseServerText, preciseSource, preciseSourcePicoSeconds, preciseSourceText,
} from '../../../support/opcua-precise-values';

const seconds: JsonFormat = { numbers: 'shortest', timestamps: 'seconds' };
const millis: JsonFormat = { numbers: 'shortest', timestamps: 'milliseconds' };
const full: JsonFormat = jsonFormatFromOptions({ asnegTimestamps: '100ns' });

/** A DataValue as node-opcua decodes one from open62541: sub-millisecond time in its picoseconds. */
function preciseValue(): DataValue {
  return new DataValue({
    value: new Variant({ dataType: DataType.Double, value: 1.25 }),
    sourceTimestamp: preciseSource.date, sourcePicoseconds: preciseSource.picoseconds,
    serverTimestamp: preciseServer.date, serverPicoseconds: preciseServer.picoseconds,
  });
}

/** The OPC UA binary encoding: what the server receives when the value is written. */
function binary(value: DataValue | Variant): string {
  const stream = new BinaryStream(value.binaryStoreSize());
  value.encode(stream);
  return stream.buffer.toString('hex');
}

describe('OPC UA JSON: timestamps below the millisecond and PicoSeconds', () => {
  it('regression: PicoSeconds are never node-opcua\'s sub-millisecond picoseconds (was "456723000")', () => {
    for (const format of [seconds, millis]) {
      const json = encodeDataValue(preciseValue(), format);
      assert.equal(json.SourcePicoSeconds, undefined, 'a truncated timestamp carries no PicoSeconds');
      assert.equal(json.ServerPicoSeconds, undefined);
    }
    assert.equal(encodeDataValue(preciseValue(), seconds).SourceTimestamp, '2024-05-06T07:08:09Z');
    assert.equal(encodeDataValue(preciseValue(), millis).SourceTimestamp, '2024-05-06T07:08:09.123Z');
  });

  it('writes 100 ns timestamp text and PicoSeconds of 10 ps (0..9999) with asnegTimestamps "100ns"', () => {
    const json = encodeDataValue(preciseValue(), full);
    assert.deepEqual(json, {
      Value: { Type: '11', Body: '1.25' },
      SourceTimestamp: preciseSourceText, ServerTimestamp: preciseServerText,
      SourcePicoSeconds: preciseSourcePicoSeconds, ServerPicoSeconds: preciseServerPicoSeconds,
    });
  });

  it('reads the 100 ns form back to the same OPC UA DataValue, bit for bit', () => {
    const original = preciseValue();
    const decoded = decodeDataValue(encodeDataValue(original, full), 'Value', full);
    assert.equal(decoded.sourcePicoseconds, preciseSource.picoseconds);
    assert.equal(decoded.serverPicoseconds, preciseServer.picoseconds);
    assert.equal(binary(decoded), binary(original));
  });

  it('regression: refuses PicoSeconds outside 0..9999 instead of passing them to the server', () => {
    assert.throws(() => decodeDataValue({ Value: { Type: '11', Body: '1' }, SourceTimestamp: preciseSourceText, SourcePicoSeconds: '230000000' }, 'Value', full), JsonDecodeError);
    assert.throws(() => decodeDataValue({ Value: { Type: '11', Body: '1' }, SourceTimestamp: preciseSourceText, SourcePicoSeconds: '10000' }, 'Value', full), JsonDecodeError);
  });

  it('keeps fraction digits down to 100 ns and truncates finer ones', () => {
    const date = parseDateTime('2024-05-06T07:08:09.123456789Z', 'd') as Date & { picoseconds?: number };
    assert.equal(date.toISOString(), '2024-05-06T07:08:09.123Z');
    assert.equal(date.picoseconds, 456_700_000);
    assert.equal((parseDateTime('2024-05-06T07:08:09.5Z', 'd') as Date & { picoseconds?: number }).picoseconds, undefined, 'nothing below the millisecond: a plain Date');
  });

  it('every built-in type survives encode -> decode unchanged in the 100 ns form', () => {
    for (const sample of builtinSamples(1)) {
      const json = encodeVariant(sample.variant, full);
      const decoded = decodeVariant(json, 'Value', full);
      assert.equal(binary(decoded), binary(sample.variant), `${sample.name}: ${JSON.stringify(json)}`);
    }
  });
});
