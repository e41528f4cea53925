/**
 * `integrations.apcupsd`: apcupsd's Network Information Server face (TCP 3551), off by
 * default. apcupsd serves one UPS per daemon, so each listener names one device.
 */
import { z } from 'zod'
import { duration, int, list, section, text } from '../schema-kit.ts'
import { integrationListen } from './listen-address.ts'

const listener = z.strictObject({
  listen: integrationListen,
  device: text({ nonEmpty: true }),
})

export const apcupsdSchema = section({
  /** One listener: `listen` + `device` (the device may be left out when there is one). */
  listen: integrationListen.optional(),
  device: text({ nonEmpty: true }).optional(),
  /** Several listeners, one device each. */
  listeners: list(listener).optional(),
  limits: section({
    maxConnections: int({ min: 1 }).optional(),
    maxConnectionsPerAddress: int({ min: 1 }).optional(),
    idleTimeout: duration({ min: 100 }).optional(),
    maxRequestLength: int({ min: 6, max: 65535 }).optional(),
  }).optional(),
  /** apcupsd's BATTERYLEVEL / MINUTES / TIMEOUT as shown in MBATTCHG / MINTIMEL / MAXTIME. */
  thresholds: section({
    batteryLevel: int({ min: 0, max: 100 }).optional(),
    minutes: int({ min: 0 }).optional(),
    timeout: duration().optional(),
  }).optional(),
})

export type ApcupsdSettings = Exclude<z.output<typeof apcupsdSchema>, undefined>
