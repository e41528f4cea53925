/**
 * Runs nutshell's mDNS advertiser alone (for tests that run it inside a network
 * namespace): `node --import tsx mdns-advertise.ts NUTPORT [WEBPORT]`. Prints `ready`,
 * stops (with goodbye packets) on SIGTERM.
 */
import { silentLogger } from '../../src/core/log.ts'
import { MdnsAdvertiser } from '../../src/integrations/mdns/advertiser.ts'

const [nutPort, webPort] = process.argv.slice(2).map(Number)
const advertiser = new MdnsAdvertiser({
  name: 'nutshell-test',
  nutPort,
  web: webPort === undefined ? undefined : { port: webPort, path: '/' },
  version: '0.1.0',
  log: silentLogger(),
})
advertiser.start()
process.stdout.write('ready\n')
process.on('SIGTERM', () => {
  void advertiser.stop().then(() => process.exit(0))
})
