/**
 * `nutshell helper --check`, ready to be mounted by the helper command (which another
 * branch builds): prints which power roads and confinement tools this host has and what
 * each would do (docs/privilege.md). Exit status 0 when at least one road besides
 * `command` is available, 1 otherwise.
 */
import { checkRoads, renderRoadReports } from '../../actions/roads/check.ts'

export interface RunCheckOptions {
  json?: boolean
  /** For tests: another bus, other initctl paths, another socket path. */
  busAddress?: string
  initctlPaths?: readonly string[]
  socketPath?: string
  write?: (text: string) => void
}

export async function runCheck(options: RunCheckOptions = {}): Promise<number> {
  const reports = await checkRoads({
    busAddress: options.busAddress,
    ...(options.initctlPaths === undefined ? {} : { initctlPaths: options.initctlPaths }),
    ...(options.socketPath === undefined ? {} : { socketPath: options.socketPath }),
  })
  const write = options.write ?? ((text: string) => process.stdout.write(text))
  write(
    options.json === true ? `${JSON.stringify(reports, null, 2)}\n` : renderRoadReports(reports),
  )
  const roads = new Set(['logind', 'initctl', 'helper-socket'])
  return reports.some((r) => roads.has(r.name) && r.available) ? 0 : 1
}
