/**
 * Checks that go beyond the files themselves, for `nutshell config check`: the data file
 * of each simulated device exists, and each NUT C driver binary is where it will be looked
 * for. Warnings only: the machine running the check may not be the one that will serve.
 * The driver layer's facts (which drivers are built in, how dummy-ups picks its mode, the
 * default driver directory) are passed in, so config/ does not depend on drivers/.
 */
import { constants } from 'node:fs'
import { access } from 'node:fs/promises'
import { join } from 'node:path'
import type { ConfigDiagnostic } from '../protocol/nut-config/index.ts'
import { resolveConfigPath } from './from-nut.ts'
import type { BrokerConfig } from './types.ts'

export interface DriverFacts {
  builtinDrivers: readonly string[]
  defaultDriverPath: string
  /** Whether a dummy-ups device mirrors a server (no data file) rather than replaying one. */
  isRepeater(port: string, mode: string | undefined): boolean
}

async function usable(path: string, mode: number): Promise<boolean> {
  try {
    await access(path, mode)
    return true
  } catch {
    return false
  }
}

/**
 * `portAt` says where a device's port is written, so a missing data file is reported at the
 * line that names it; without it, the whole file is named.
 */
export async function checkEnvironment(
  config: BrokerConfig,
  facts: DriverFacts,
  portAt?: (deviceIndex: number) => { file: string; line: number; column: number },
): Promise<ConfigDiagnostic[]> {
  const out: ConfigDiagnostic[] = []
  const file =
    config.source.kind === 'nut' ? join(config.source.dir, 'ups.conf') : config.source.file
  let index = -1
  const warn = (message: string, advice: string): void => {
    out.push({
      severity: 'warning',
      code: 'file-missing',
      ...(portAt?.(index) ?? { file, line: 0, column: 0 }),
      message,
      advice,
    })
  }
  for (const device of config.devices) {
    index++
    // The script driver (powerman .dev files) checks its files when it starts.
    if (device.driver === 'script') continue
    if (facts.builtinDrivers.includes(device.driver)) {
      if (facts.isRepeater(device.port, device.options['mode'])) continue
      const data = resolveConfigPath(config.configDir, device.port)
      if (!(await usable(data, constants.R_OK))) {
        warn(
          `device ${device.name}: the dummy-ups data file ${data} cannot be read`,
          `create it, or fix the port (relative paths start at ${config.configDir})`,
        )
      }
      continue
    }
    const dir = config.driverDefaults?.driverPath ?? facts.defaultDriverPath
    const program = join(dir, device.driver)
    if (!(await usable(program, constants.X_OK))) {
      warn(
        `device ${device.name}: the NUT driver ${program} is not installed here`,
        `install the NUT package that has it (e.g. nut-server), or set the driver path`,
      )
    }
  }
  return out
}
