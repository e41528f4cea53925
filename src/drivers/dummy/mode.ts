/**
 * Which mode dummy-ups runs in, and how it reports it in `driver.parameter.mode`.
 * Observed with Debian's dummy-ups 2.8.0:
 * - `mode = dummy-once` / `dummy-loop` / `repeater` are taken as written (case matters);
 *   `mode = dummy` runs the loop and is reported as `dummy-loop`;
 * - without `mode`, or with any other value, the port decides: `ups@host[:port]` is the
 *   repeater, a name ending in `.dev` replays once, `.seq` loops, anything else loops and is
 *   reported as `dummy` (extensions are matched with case);
 * - an unknown value that equals the default's name but for case (`DUMMY-ONCE` on a `.dev`)
 *   is reported as written, since NUT's state keeps a value that compares equal without case.
 */
export type DummyMode = 'dummy-once' | 'dummy-loop' | 'repeater'

export interface ResolvedMode {
  mode: DummyMode
  /** The value of driver.parameter.mode. */
  reported: string
  /** Set when the `mode` option was not understood. */
  warning?: string
}

export function isRepeaterPort(port: string): boolean {
  return port.includes('@')
}

export function resolveMode(port: string, option: string | undefined): ResolvedMode {
  switch (option) {
    case 'dummy-once':
    case 'dummy-loop':
    case 'repeater':
      return { mode: option, reported: option }
    case 'dummy':
      return { mode: 'dummy-loop', reported: 'dummy-loop' }
    default:
      break
  }
  const fallback = defaultMode(port)
  if (option === undefined) return fallback
  const reported = option.toLowerCase() === fallback.reported ? option : fallback.reported
  return {
    ...fallback,
    reported,
    warning: `mode "${option}" is not one of dummy-once, dummy-loop, dummy, repeater; using ${fallback.reported}`,
  }
}

function defaultMode(port: string): ResolvedMode {
  if (isRepeaterPort(port)) return { mode: 'repeater', reported: 'repeater' }
  if (port.endsWith('.dev')) return { mode: 'dummy-once', reported: 'dummy-once' }
  if (port.endsWith('.seq')) return { mode: 'dummy-loop', reported: 'dummy-loop' }
  return { mode: 'dummy-loop', reported: 'dummy' }
}
