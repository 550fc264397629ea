import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StatusCodes } from 'node-opcua';
import { OpcuaStatusError, parseVariableList, statusOf } from '../../../lib/opcua';

describe('lib/opcua status and variable list', () => {
  it('finds the OPC UA status behind an error', () => {
    assert.equal(statusOf(new OpcuaStatusError(StatusCodes.BadTypeMismatch)).name, 'BadTypeMismatch');
    assert.equal(statusOf(new Error(' serviceResult = BadTooManyOperations (0x80100000)')).name, 'BadTooManyOperations');
    assert.equal(statusOf(new Error('Transaction on Invalid Session BadSessionIdInvalid')).name, 'BadNotConnected');
    assert.equal(statusOf(new Error('socket has been disconnected by third party')).name, 'BadNotConnected');
    assert.equal(statusOf(new Error('boom')).name, 'BadInternalError');
  });

  it('keeps the good entries of a variable list and names what is wrong with the others', () => {
    const { variables, problems } = parseVariableList([
      { name: 'Setpoint', nodeId: 'ns=2;s=Setpoint', samplingInterval: '500', metadata: '{"unit":"°C"}' },
      { name: 'Uri', nodeId: 'nsu=urn:plant;s=Temp', writable: false },
      { name: 'Setpoint', nodeId: 'ns=2;s=Other' },
      { name: 'Bad', nodeId: 'not a node id' },
      { nodeId: 'i=85' },
      { name: 'Meta', nodeId: 'i=85', metadata: '[1,2' },
    ]);
    assert.deepEqual(variables, [
      { name: 'Setpoint', nodeId: 'ns=2;s=Setpoint', samplingInterval: 500, metadata: { unit: '°C' } },
      { name: 'Uri', nodeId: 'nsu=urn:plant;s=Temp', writable: false },
    ]);
    assert.equal(problems.length, 4);
    assert.deepEqual(parseVariableList('not json').variables, []);
    assert.match(parseVariableList('not json').problems[0], /not valid JSON/);
  });
});
