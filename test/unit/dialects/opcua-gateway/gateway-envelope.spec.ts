import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeNotify, notifyPrefix } from '../../../../lib/dialects/opcua-gateway/gateway-envelope';

describe('opcua-gateway notification text', () => {
  // A data change is its session's prefix (encoded once) and its Body: the text must stay what encoding
  // the whole message writes, whatever the login's ClientHandle holds.
  it('writes the same text from the per-session prefix as JSON.stringify of the whole message', () => {
    const body = { ClientHandleData: '4711', Value: { Value: { Type: '11', Body: '77.5' }, Status: '0' } };
    for (const clientHandle of ['login-handle', 'quote " and \\ backslash', 'Grüße € \u2028', '']) {
      const whole = JSON.stringify({ Header: { MessageType: 'GW_DataChangeNotify', ClientHandle: clientHandle, SessionId: 'session-1' }, Body: body });
      assert.equal(`${notifyPrefix('GW_DataChangeNotify', clientHandle, 'session-1')}${JSON.stringify(body)}}`, whole);
      assert.equal(encodeNotify('GW_DataChangeNotify', clientHandle, 'session-1', body), whole);
    }
  });
});
