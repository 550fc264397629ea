/**
 * The OPC UA server of bench:opcua, in a process of its own: its publishing timers then tick on time
 * whatever the gateway's process is doing, and its work for the subscriptions does not delay the gateway
 * (or the other way round), as with a real server on another machine.
 *
 * Each written value is the wall-clock time of its write (performance.timeOrigin + now, in ms), so every
 * receiver computes write -> arrival from the value alone, in any process.
 *
 * argv: variables, writeMs, pattern (spread | burst).
 *  - spread (default): every variable is written on its own jittered schedule (0.5..1.5 x writeMs), so the
 *    writes fall at every moment of every subscription's publishing cycle, all the time. The wait for the
 *    next publish (0..publishing interval, the same for any subscriber) is then sampled for every value
 *    instead of once per burst, and percentiles settle within seconds.
 *  - burst: all variables at once, at jittered intervals; every publish carries all of them (the heaviest
 *    fan-out per publish), but its percentiles need minutes to settle (one phase sample per burst).
 * IPC: sends {endpointUrl, namespaceIndex} once serving; {cpu: 'start'} starts a CPU figure; {report}
 * answers {monitoredItems, cpuMicros}; {stop} stops the server and exits.
 */
import { performance } from 'node:perf_hooks';
import { DataType, Variant, type UAVariable } from 'node-opcua';
import { startOpcuaDemoServer, DEMO_NAMESPACE_URI } from '../../demo/opcua/demo-server';

const [variablesText, writeMsText, pattern] = process.argv.slice(2);
const VARIABLES = Number(variablesText);
const WRITE_MS = Number(writeMsText);
const now = (): number => performance.timeOrigin + performance.now();

async function main(): Promise<void> {
  const demo = await startOpcuaDemoServer({ port: 0, maxConnections: 200 });
  const addressSpace = demo.server.engine.addressSpace!;
  const namespace = addressSpace.getNamespace(DEMO_NAMESPACE_URI)!;
  const nodes: UAVariable[] = [];
  for (let index = 0; index < VARIABLES; index++) {
    nodes.push(namespace.addVariable({
      organizedBy: addressSpace.rootFolder.objects, browseName: `Bench${index}`, nodeId: `s=Bench${index}`, dataType: 'Double',
      minimumSamplingInterval: 0, value: new Variant({ dataType: DataType.Double, value: 0 }),
    }));
  }
  const write = (node: UAVariable): void => {
    const time = now();
    node.setValueFromSource(new Variant({ dataType: DataType.Double, value: time }), undefined, new Date(time));
  };
  const jittered = (): number => WRITE_MS * (0.5 + Math.random());
  let timer: NodeJS.Timeout;
  if (pattern === 'burst') {
    const writeAll = (): void => {
      for (const node of nodes) write(node);
      timer = setTimeout(writeAll, jittered());
    };
    timer = setTimeout(writeAll, WRITE_MS);
  } else {
    // Each variable's next write time; a 1 ms tick writes those due (the value carries the real write time).
    const start = now();
    const due = nodes.map(() => start + Math.random() * WRITE_MS);
    const tick = (): void => {
      const time = now();
      for (let index = 0; index < nodes.length; index++) {
        if (due[index] > time) continue;
        write(nodes[index]);
        due[index] = time + jittered();
      }
      timer = setTimeout(tick, 1);
    };
    timer = setTimeout(tick, 1);
  }
  let cpuStart = process.cpuUsage();
  process.on('message', (message: { cpu?: 'start'; report?: boolean; stop?: boolean }) => {
    if (message.cpu === 'start') cpuStart = process.cpuUsage();
    if (message.report) {
      const cpu = process.cpuUsage(cpuStart);
      process.send?.({ monitoredItems: demo.monitoredItemCount(), cpuMicros: cpu.user + cpu.system });
    }
    if (message.stop) {
      clearTimeout(timer);
      void demo.stop().then(() => process.exit(0));
    }
  });
  process.send?.({ endpointUrl: demo.endpointUrl, namespaceIndex: addressSpace.getNamespaceIndex(DEMO_NAMESPACE_URI) });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
