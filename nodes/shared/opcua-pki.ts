import os = require('node:os');
import path = require('node:path');
import { adoptEarlierPki, earlierPkiFolders, sharedPkiFolder } from '../../lib/opcua';
import { messageOf } from '../../lib/util/errors';

/** The settings.js entries that place the OPC UA PKI folder. */
export interface OpcuaPkiSettings {
  userDir?: string;
  /** One folder for every OPC UA client session instead of `<userDir>/ws-gateway/pki`. */
  wsGatewayOpcuaPkiFolder?: string;
}

/**
 * The PKI folder of every OPC UA client session (ws-gateway-opcua and the 8082 gateway): the setting
 * `wsGatewayOpcuaPkiFolder`, else `<userDir>/ws-gateway/pki`. The first time the latter is needed it is
 * started from the folders of earlier releases, if there are any (see adoptEarlierPki), and says so in the log.
 */
export function opcuaPkiFolder(settings: OpcuaPkiSettings, log: { info(text: string): void; warn(text: string): void }): string {
  if (settings.wsGatewayOpcuaPkiFolder) return settings.wsGatewayOpcuaPkiFolder;
  const userDir = settings.userDir || path.join(os.homedir(), '.node-red');
  const folder = sharedPkiFolder(userDir);
  try {
    const adopted = adoptEarlierPki(folder, earlierPkiFolders(userDir));
    if (adopted.length > 0) log.info(`OPC UA PKI: ${folder} now holds the client certificate and trust lists of ${adopted.join(' and ')}, which are no longer used`);
  } catch (error) {
    log.warn(`OPC UA PKI: could not take over the earlier folders into ${folder} (${messageOf(error)}); starting it empty`);
  }
  return folder;
}
