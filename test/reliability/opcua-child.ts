// Child process of opcua-process.ts: the demo's OPC UA server on the port given as argument, with its
// certificate in the folder given second (kept across restarts, as a real server keeps its own).
import { startOpcuaDemoServer } from '../../demo/opcua/demo-server';

startOpcuaDemoServer({ port: Number(process.argv[2]), host: '127.0.0.1', pkiFolder: process.argv[3], maxConnections: 100 }).then(
  (running) => process.send?.({ endpointUrl: running.endpointUrl }),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
process.on('disconnect', () => process.exit(0));
