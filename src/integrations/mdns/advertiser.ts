/**
 * DNS-SD over multicast DNS: `_nut._tcp` on the NUT server's port, as NUT's own Avahi
 * service file does (instance name = the host name, no TXT needed: Home Assistant's NUT
 * integration lists `_nut._tcp.local.` and reads only host and port). We add a few TXT
 * keys that say what answers. `_http._tcp` for the web face is optional.
 */
import { hostname } from 'node:os'
import { Bonjour } from 'bonjour-service'
import type { Logger } from '../../core/log.ts'

export interface MdnsAdvertiserOptions {
  /** Instance name; default the host name. */
  name?: string | undefined
  nutPort?: number | undefined
  web?: { port: number; path: string } | undefined
  version: string
  log: Logger
}

/** The TXT records of `_nut._tcp`. */
export function nutTxt(version: string): Record<string, string> {
  return { txtvers: '1', server: 'nutshell', version, protocol: 'nut' }
}

export class MdnsAdvertiser {
  private readonly options: MdnsAdvertiserOptions
  private bonjour: Bonjour | undefined

  constructor(options: MdnsAdvertiserOptions) {
    this.options = options
  }

  start(): void {
    const { log } = this.options
    const name = this.options.name ?? hostname()
    const bonjour = new Bonjour({}, (error: unknown) => log.warn({ err: error }, 'mDNS error'))
    this.bonjour = bonjour
    if (this.options.nutPort !== undefined) {
      bonjour.publish({
        name,
        type: 'nut',
        protocol: 'tcp',
        port: this.options.nutPort,
        txt: nutTxt(this.options.version),
      })
      log.info({ name, port: this.options.nutPort }, 'mDNS: advertising _nut._tcp')
    }
    const web = this.options.web
    if (web !== undefined) {
      bonjour.publish({
        name,
        type: 'http',
        protocol: 'tcp',
        port: web.port,
        txt: { path: web.path },
      })
      log.info({ name, port: web.port }, 'mDNS: advertising _http._tcp')
    }
  }

  /** Sends the goodbye packets (TTL 0) so browsers drop the services at once. */
  async stop(): Promise<void> {
    const bonjour = this.bonjour
    if (bonjour === undefined) return
    this.bonjour = undefined
    await new Promise<void>((resolve) => bonjour.unpublishAll(() => resolve()))
    await new Promise<void>((resolve) => bonjour.destroy(() => resolve()))
  }
}
