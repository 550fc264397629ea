# The Python example of seeds/001_cd3de9ce52d6d15d.txt (ASNeG OPC UA WebSocket Gateway session handling),
# run as the acceptance test of the opcua-gateway dialect against `npm start`:
#   /usr/bin/python3 test/seeds/opcua_gateway_seed.py [ws://127.0.0.1:8082] [opc.tcp://127.0.0.1:4840]
# Changed from the seed: the URLs may be given as arguments; the seed's mismatched quote in the
# create_connection URL is closed; each `json.loads(resp)  #=> {...}` line prints what it loads, so the
# run shows what the seed's comments show; `sessionId` (left undefined in the seed) is taken from the
# login response.
import sys
import websocket
import json

gateway_url = sys.argv[1] if len(sys.argv) > 1 else 'ws://127.0.0.1:8082'
discovery_url = sys.argv[2] if len(sys.argv) > 2 else 'opc.tcp://127.0.0.1:4840'

open_session_request = {
          "Header": {
              "MessageType": "GW_LoginRequest",
              "ClientHandle": "client-handle"
          },
          "Body": {
              "DiscoveryUrl": discovery_url,
              "SecurityMode": "SignAndEncrypt",
              "SecurityPolicyUri": "http://opcfoundation.org/UA/SecurityPolicy#Basic128Rsa15",
              "UserAuth": {
                  "Type": "UserName",
                  "UserName": "user1",
                  "Password": "password1",
                  "SecurityPolicyUri": "http://opcfoundation.org/UA/SecurityPolicy#Basic128Rsa15"
              }
          }
      }


ws = websocket.create_connection(gateway_url)
ws.send(json.dumps(open_session_request))
resp = ws.recv()
print(json.dumps(json.loads(resp)))
sessionId = json.loads(resp)["Body"]["SessionId"]
resp = ws.recv()
print(json.dumps(json.loads(resp)))

close_session_request = {
          "Header": {
              "MessageType": "GW_LogoutRequest",
              "ClientHandle": "client-handle",
              "SessionId": sessionId
          },
          "Body": {
          }
      }

ws.send(json.dumps(close_session_request))

resp = ws.recv()
print(json.dumps(json.loads(resp)))
