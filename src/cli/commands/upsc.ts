/**
 * `nutshell upsc`: NUT's upsc, with the same arguments, output and exit codes
 * (docs/tools.md), plus `--json`. Kept small on purpose: it is loaded lazily and must start
 * fast, so it imports the client and nothing else of nutshell.
 */
import { parseServerAddress, parseUpsAddress } from '../../client/address.ts'
import { isNutServerError } from '../../client/errors.ts'
import {
  err,
  exitQuietlyOnBrokenPipe,
  fail,
  out,
  printJson,
  runTool,
  ToolExit,
} from '../nut-tools-common.ts'
import { getopt } from '../nut-tools-getopt.ts'
import { upscUsage, versionLine } from '../nut-tools-usage.ts'

/** libupsclient's "unknown command" answer from an upsd older than the query. */
function tooOld(error: unknown, message: string): void {
  if (isNutServerError(error) && error.word.startsWith('UNKNOWN-COMMAND')) {
    throw new ToolExit([message], error.word)
  }
}

export async function run(args: string[]): Promise<number> {
  exitQuietlyOnBrokenPipe()
  const parsed = getopt('upsc', args, 'hlLcV')
  let listUps = false
  let verbose = false
  let listClients = false
  for (const event of parsed.events) {
    if (event.kind === 'error') {
      err(`${event.message}\n`)
      out(upscUsage)
      return 0
    }
    if (event.name === 'L') {
      verbose = true
      listUps = true
    } else if (event.name === 'l') listUps = true
    else if (event.name === 'c') listClients = true
    else if (event.name === 'V') {
      err(versionLine('upsc'))
      return 0
    } else {
      out(upscUsage)
      return 0
    }
  }
  const { json, operands } = parsed
  const [first, variable] = operands

  return runTool(json, async (session) => {
    if (listUps) {
      const server = parseServerAddress(first ?? 'localhost')
      if (!server.ok) {
        const lines = server.message === undefined ? [] : [server.message]
        throw new ToolExit(
          [...lines, 'Error: invalid hostname.', 'Required format: [hostname[:port]]'],
          'NS_USAGE',
        )
      }
      const client = await session.connect(server.value, 'try')
      const upses = await client.listUps().catch((error: unknown) => {
        tooOld(error, 'Error: upsd is too old to support this query')
        return fail('Error: ', error)
      })
      if (json) printJson(upses)
      else
        out(upses.map((u) => (verbose ? `${u.name}: ${u.description}\n` : `${u.name}\n`)).join(''))
      return 0
    }

    const address = parseUpsAddress(first)
    if (!address.ok) {
      const lines = address.message === undefined ? [] : [address.message]
      throw new ToolExit(
        [...lines, 'Error: invalid UPS definition.', 'Required format: upsname[@hostname[:port]]'],
        'NS_USAGE',
      )
    }
    const { ups } = address.value
    const client = await session.connect(address.value, 'try')

    if (listClients) {
      const clients = await client.listClients(ups).catch((error: unknown) => {
        tooOld(error, 'Error: upsd is too old to support this query')
        return fail('Error: ', error)
      })
      if (json) printJson(clients)
      else out(clients.map((c) => `${c}\n`).join(''))
      return 0
    }

    if (variable !== undefined) {
      if (!variable.includes('.')) {
        throw new ToolExit(['Error: old-style variable names are not supported'], 'NS_USAGE')
      }
      const value = await client.getVar(ups, variable).catch((error: unknown) => {
        tooOld(error, 'Error: variable unknown (old upsd detected)')
        return fail('Error: ', error)
      })
      if (json) printJson({ [variable]: value })
      else out(`${value}\n`)
      return 0
    }

    const vars = await client.listVars(ups).catch((error: unknown) => {
      tooOld(error, 'Error: upsd is too old to support this query')
      return fail('Error: ', error)
    })
    if (json) printJson(Object.fromEntries(vars.map((v) => [v.name, v.value])))
    else out(vars.map((v) => `${v.name}: ${v.value}\n`).join(''))
    return 0
  })
}
