/** Starts mDNS advertising (src/integrations/mdns) when `integrations.mdns` is on. */
import type { MdnsConfig } from '../../config/schema/integrations-mdns.ts'
import type { Logger } from '../../core/log.ts'
import { nutshellVersion } from '../../core/version.ts'
import { MdnsAdvertiser } from '../../integrations/mdns/advertiser.ts'

export async function startMdnsFace(context: {
  config: MdnsConfig
  nutPort: number | undefined
  log: Logger
}): Promise<{ stop(): Promise<void> }> {
  const { config } = context
  const advertiser = new MdnsAdvertiser({
    name: config.name,
    nutPort: context.nutPort,
    web:
      config.webPort === undefined
        ? undefined
        : { port: config.webPort, path: config.webPath ?? '/' },
    version: nutshellVersion,
    log: context.log.child({ face: 'mdns' }),
  })
  advertiser.start()
  return { stop: () => advertiser.stop() }
}
