import fs = require('node:fs');
import path = require('node:path');

/**
 * The one PKI folder of every OPC UA client session of this package (the connection of each
 * ws-gateway-opcua node and each session of the 8082 gateway): one client certificate, one trust list.
 */
export function sharedPkiFolder(userDir: string): string {
  return path.join(userDir, 'ws-gateway', 'pki');
}

/** Where earlier releases kept them, one folder per client stack: the ws-gateway-opcua node's first, then the 8082 gateway's. */
export function earlierPkiFolders(userDir: string): string[] {
  return [path.join(userDir, 'ws-gateway-opcua', 'pki'), path.join(userDir, 'ws-gateway-pki', 'opcua-gateway')];
}

/** The lists of a PKI folder that are merged when folders are taken over; `own/` is the client's identity and is not. */
const lists = ['trusted', 'rejected', 'issuers'];

/**
 * Starts `folder` from the earlier folders, once: only while `folder` does not exist. It takes `own/`
 * (client certificate and key) from the first earlier folder that has one, so servers that trust that
 * certificate go on trusting it, and merges the `trusted/`, `rejected/` and `issuers/` lists of all of
 * them (a certificate trusted in either stays trusted). The earlier folders are left as they are. The
 * copy is made beside `folder` and renamed into place, so a half-made copy is never taken for the real
 * one. Returns the folders taken over (none when there was nothing to do).
 */
export function adoptEarlierPki(folder: string, earlier: readonly string[]): string[] {
  if (fs.existsSync(folder)) return [];
  const found = earlier.filter((dir) => dir !== folder && fs.existsSync(dir));
  if (found.length === 0) return [];
  const staging = `${folder}.taking-over-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  try {
    const owner = found.find((dir) => fs.existsSync(path.join(dir, 'own', 'certs', 'client_certificate.pem')));
    if (owner) fs.cpSync(path.join(owner, 'own'), path.join(staging, 'own'), { recursive: true });
    for (const dir of found) {
      for (const list of lists) {
        const source = path.join(dir, list);
        if (fs.existsSync(source)) fs.cpSync(source, path.join(staging, list), { recursive: true, force: false });
      }
    }
    fs.mkdirSync(staging, { recursive: true });
    fs.mkdirSync(path.dirname(folder), { recursive: true });
    fs.renameSync(staging, folder);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }
  return found;
}
