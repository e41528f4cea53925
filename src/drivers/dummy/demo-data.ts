/**
 * The data `nutshell demo` replays: a simulated 1500 VA UPS living through a power cut,
 * in a loop of about 83 seconds (TIMERs add up to 81 s, plus one 2 s poll interval
 * before each new pass), so a person watching sees every phase:
 *
 *   0 s   on line, battery full (OL)
 *  12 s   mains fail: on battery, charge and runtime falling (OB DISCHRG)
 *  42 s   low battery (OB DISCHRG LB): a monitor shuts its systems down here
 *  51 s   power back, recharging (OL CHRG), charge rising step by step
 *  78 s   charged (OL, 100 %); the next pass starts from there, so nothing jumps
 *
 * It is a plain dummy-ups `.seq` file (the same file runs on Debian's real dummy-ups),
 * kept in this module so that the build ships it without copying data files.
 */
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { DeviceConfig } from '../../config/types.ts'

export const demoFileName = 'demo-power-cut.seq'

export const demoPowerCutSeq = `# A simulated 1500 VA UPS living through a power cut, in a loop of about 83 seconds.
# nutshell demo replays this file with the built-in dummy-ups driver (dummy-loop mode).
# Phase 1: on line, battery full.
ups.mfr: "Demo Power"
ups.model: "Simulated 1500VA"
ups.serial: DEMO-0001
ups.firmware: 1.0.0
ups.type: "line-interactive"
ups.power.nominal: 1500
ups.realpower.nominal: 900
ups.beeper.status: enabled
ups.delay.shutdown: 20
ups.delay.start: 30
ups.test.result: "Done and passed"
battery.charge.low: 20
battery.charge.warning: 35
battery.runtime.low: 120
battery.voltage.nominal: 24
battery.type: PbAc
input.voltage.nominal: 230
input.frequency: 50.0
output.voltage.nominal: 230
output.frequency: 50.0
ups.status: OL
battery.charge: 100
battery.runtime: 2400
battery.voltage: 26.8
input.voltage: 230.4
output.voltage: 230.4
ups.load: 32
ups.temperature: 31.5
TIMER 12
# Phase 2: the mains fail; the UPS runs on its battery.
ups.status: OB DISCHRG
input.voltage: 0.0
output.voltage: 229.8
ups.load: 33
battery.charge: 97
battery.runtime: 2257
battery.voltage: 26.7
ups.temperature: 31.7
TIMER 3
battery.charge: 91
battery.runtime: 2117
battery.voltage: 26.5
ups.temperature: 31.9
TIMER 3
battery.charge: 84
battery.runtime: 1954
battery.voltage: 26.2
ups.temperature: 32.1
TIMER 3
battery.charge: 77
battery.runtime: 1792
battery.voltage: 25.9
ups.temperature: 32.3
TIMER 3
battery.charge: 69
battery.runtime: 1605
battery.voltage: 25.6
ups.temperature: 32.5
TIMER 3
battery.charge: 61
battery.runtime: 1419
battery.voltage: 25.3
ups.temperature: 32.7
TIMER 3
battery.charge: 52
battery.runtime: 1210
battery.voltage: 25.0
ups.temperature: 32.9
TIMER 3
battery.charge: 43
battery.runtime: 1000
battery.voltage: 24.6
ups.temperature: 33.1
TIMER 3
battery.charge: 34
battery.runtime: 791
battery.voltage: 24.3
ups.temperature: 33.3
TIMER 3
battery.charge: 26
battery.runtime: 605
battery.voltage: 24.0
ups.temperature: 33.5
TIMER 3
# Phase 3: low battery; a monitor would shut its systems down now.
ups.status: OB DISCHRG LB
battery.charge: 20
battery.runtime: 465
battery.voltage: 23.8
TIMER 3
battery.charge: 15
battery.runtime: 349
battery.voltage: 23.6
TIMER 3
battery.charge: 11
battery.runtime: 256
battery.voltage: 23.4
TIMER 3
# Phase 4: power is back; the battery recharges.
ups.status: OL CHRG
input.voltage: 229.6
output.voltage: 229.6
ups.load: 32
battery.charge: 20
battery.runtime: 480
battery.voltage: 24.3
ups.temperature: 33.3
TIMER 3
battery.charge: 30
battery.runtime: 720
battery.voltage: 24.6
ups.temperature: 33.0
TIMER 3
battery.charge: 41
battery.runtime: 984
battery.voltage: 25.1
ups.temperature: 32.7
TIMER 3
battery.charge: 52
battery.runtime: 1248
battery.voltage: 25.5
ups.temperature: 32.4
TIMER 3
battery.charge: 63
battery.runtime: 1512
battery.voltage: 25.9
ups.temperature: 32.1
TIMER 3
battery.charge: 74
battery.runtime: 1776
battery.voltage: 26.3
ups.temperature: 31.9
TIMER 3
battery.charge: 85
battery.runtime: 2040
battery.voltage: 26.7
ups.temperature: 31.7
TIMER 3
battery.charge: 94
battery.runtime: 2256
battery.voltage: 27.1
ups.temperature: 31.6
TIMER 3
battery.charge: 98
battery.runtime: 2352
battery.voltage: 27.0
ups.temperature: 31.5
TIMER 3
# Phase 5: charged; the next pass starts here (phase 1 sets the same values).
ups.status: OL
battery.charge: 100
battery.runtime: 2400
battery.voltage: 26.8
TIMER 3
`

/** Writes the demo data file into `dir` and returns its absolute path. */
export async function writeDemoData(dir: string): Promise<string> {
  const path = join(dir, demoFileName)
  await writeFile(path, demoPowerCutSeq, { mode: 0o644 })
  return path
}

/**
 * A device that replays the demo data with the built-in dummy-ups driver. `path` is the
 * file written by `writeDemoData` (an absolute path, so the config directory does not
 * matter).
 */
export function demoDeviceConfig(path: string, name = 'demo'): DeviceConfig {
  return {
    name,
    driver: 'dummy-ups',
    port: path,
    description: 'Simulated UPS replaying a power cut',
    options: {},
    flags: [],
  }
}
