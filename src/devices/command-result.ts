/**
 * How a SET or an instant command ended, as NUT's TRACKING reports it. The wire texts are
 * NUT's: `SUCCESS`, `ERR UNKNOWN`, `ERR INVALID-ARGUMENT`, `ERR FAILED`.
 */
export type CommandOutcome = 'SUCCESS' | 'ERR UNKNOWN' | 'ERR INVALID-ARGUMENT' | 'ERR FAILED'

/** A driver's numeric result (STAT_SET_*, STAT_INSTCMD_*) to the tracking text. */
export function outcomeFromDriverCode(code: number): CommandOutcome {
  switch (code) {
    case 0:
      return 'SUCCESS'
    case 2:
    case 4:
      return 'ERR INVALID-ARGUMENT'
    case 3:
      return 'ERR FAILED'
    default:
      return 'ERR UNKNOWN'
  }
}

export function driverCodeFromOutcome(outcome: CommandOutcome): number {
  switch (outcome) {
    case 'SUCCESS':
      return 0
    case 'ERR UNKNOWN':
      return 1
    case 'ERR INVALID-ARGUMENT':
      return 2
    case 'ERR FAILED':
      return 3
  }
}

/** A SET or instant command that settled, whichever face asked (the store's `command` event). */
export interface CommandSettled {
  device: string
  kind: 'set' | 'instcmd'
  /** The variable or command name as the face asked for it. */
  name: string
  outcome: CommandOutcome
}

/** What a device's driver does with requests. Every method settles; none throws. */
export interface DeviceController {
  setVariable(name: string, value: string): Promise<CommandOutcome>
  instantCommand(name: string, parameter: string | undefined): Promise<CommandOutcome>
}
