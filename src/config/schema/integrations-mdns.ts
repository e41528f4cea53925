/** `integrations.mdns`: DNS-SD advertising (docs/integrations.md). Off unless written. */
import { z } from 'zod'
import { bool, int, text } from '../schema-kit.ts'

export const mdnsSchema = z.strictObject({
  enabled: bool.default(true),
  /** The instance name people see in a browser (default: nutshell on <hostname>). */
  name: text({ nonEmpty: true }).optional(),
  /** Advertise the web face as `_http._tcp` on this port (only when set). */
  webPort: int({ min: 1, max: 65535 }).optional(),
  /** The web face's path, as the TXT record `path` (default `/`). */
  webPath: text({ nonEmpty: true }).optional(),
})

export type MdnsConfig = z.output<typeof mdnsSchema>
