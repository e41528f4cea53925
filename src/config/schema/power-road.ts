/**
 * `monitor.powerRoad`: which road carries shutdown, hibernate and suspend out
 * (docs/privilege.md, "Power roads"). A bare word takes every default; the mapping form
 * sets the road's own options. `command` (the default) runs SHUTDOWNCMD / the hibernate
 * command as upsmon does; upsmon.conf has no other road, so a converted upsmon.conf always
 * gives `command`.
 */
import { z } from 'zod'
import { bool, hints, int, oneOf, text } from '../schema-kit.ts'

export const powerRoadNames = ['command', 'logind', 'initctl', 'helper-socket'] as const
export type PowerRoadName = (typeof powerRoadNames)[number]

const commandRoad = z.strictObject({ road: z.literal('command') })

const logindRoad = z.strictObject({
  road: z.literal('logind'),
  /** Take the delay inhibitor lock (default true). */
  inhibit: bool.optional(),
  /** Hibernate with HybridSleep instead of Hibernate. */
  hybridSleep: bool.optional(),
})

const initctlRoad = z.strictObject({
  road: z.literal('initctl'),
  /** Default: /run/initctl if present, else /dev/initctl. */
  path: text({ nonEmpty: true }).optional(),
  /** Seconds init waits between SIGTERM and SIGKILL (default 5). */
  sleepTime: int({ min: 0, max: 3600 }).optional(),
})

const helperSocketRoad = z.strictObject({
  road: z.literal('helper-socket'),
  /** Default /run/nutshell/helper.sock. */
  path: text({ nonEmpty: true }).optional(),
})

export const powerRoadSchema = z
  .union([
    oneOf(powerRoadNames).transform((road) => ({ road })),
    z.discriminatedUnion('road', [commandRoad, logindRoad, initctlRoad, helperSocketRoad]),
  ])
  .register(hints, {
    expected: `one of ${powerRoadNames.join(', ')}, or a mapping with road:`,
    advice: 'write e.g. powerRoad: logind, or powerRoad: { road: initctl, path: /run/initctl }',
  })

export type PowerRoadConfig = z.output<typeof powerRoadSchema>

export const defaultHelperSocketPath = '/run/nutshell/helper.sock'
