// Child process of idle-clients.ts: holds the 10,000 idle WebSocket clients, so that the server's
// process and this one each need ~10,000 file descriptors, not one process 20,000.
import WebSocket = require('ws');
import type { IdleCommand, IdleReport } from './idle-protocol';
import { localAddress } from './local-addresses';
import { messageOf } from '../../lib/util/errors';

const CONCURRENCY = 200;
let clients: WebSocket[] = [];

async function pool<T>(items: T[], work: (item: T, index: number) => Promise<void>): Promise<IdleReport> {
  let next = 0;
  let ok = 0;
  let failed = 0;
  let firstError: string | undefined;
  await Promise.all(Array.from({ length: CONCURRENCY }, async () => {
    while (next < items.length) {
      const index = next++;
      try {
        await work(items[index], index);
        ok += 1;
      } catch (error) {
        failed += 1;
        firstError ??= messageOf(error);
      }
    }
  }));
  return { cmd: 'open', ok, failed, firstError };
}

function open(url: string, index: number): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { localAddress: localAddress(index), handshakeTimeout: 30_000 });
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode ?? 0}`)));
    ws.once('error', reject);
    ws.on('error', () => { /* reported through the close */ });
  });
}

function echo(ws: WebSocket, index: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const text = `idle ${index}`;
    const timer = setTimeout(() => { ws.off('message', onMessage); reject(new Error('no echo within 30 s')); }, 30_000);
    const onMessage = (data: Buffer): void => {
      if (data.toString() !== text) return;
      clearTimeout(timer);
      ws.off('message', onMessage);
      resolve();
    };
    ws.on('message', onMessage);
    ws.send(text);
  });
}

function close(ws: WebSocket): Promise<void> {
  return new Promise((resolve) => {
    if (ws.readyState === WebSocket.CLOSED) return resolve();
    const timer = setTimeout(() => ws.terminate(), 10_000);
    ws.once('close', () => { clearTimeout(timer); resolve(); });
    ws.close();
  });
}

process.on('message', (command: IdleCommand) => {
  void (async () => {
    let report: IdleReport;
    if (command.cmd === 'open') {
      const opened: WebSocket[] = [];
      report = await pool(Array.from({ length: command.count }, (_, i) => i), async (index) => {
        opened.push(await open(command.url, index));
      });
      clients = opened;
    } else if (command.cmd === 'probe') {
      report = await pool(clients, (ws, index) => echo(ws, index));
    } else {
      report = await pool(clients, (ws) => close(ws));
      clients = [];
    }
    process.send?.({ ...report, cmd: command.cmd });
  })();
});
process.on('disconnect', () => process.exit(0));
process.send?.({ cmd: 'ready', ok: 0, failed: 0 });
