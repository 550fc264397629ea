# The Python example of seeds/000_6117ec6585c0097e.txt (ASNeG OPC UA WebSocket Server, VALUELIST_REQUEST),
# run as the acceptance test of the opcua-server dialect against `npm start`:
#   /usr/bin/python3 test/seeds/opcua_server_seed.py [ws://127.0.0.1:8081]
# Changed from the seed: the URL may be given as an argument, and the `json.loads(resp)  #=> {...}` line
# prints what it loads, so the run shows what the seed's comment shows.
import sys
import websocket
import json

msg = {
  'Header': {
    'MessageType':'VALUELIST_REQUEST',
    'ClientHandle':'1'
  },
  'Body': {}
}

ws = websocket.create_connection(sys.argv[1] if len(sys.argv) > 1 else 'ws://127.0.0.1:8081')
ws.send(json.dumps(msg))
resp = ws.recv()
print(json.dumps(json.loads(resp)))
