/**
 * `nutshell upscmd`: NUT's upscmd (list and run instant commands), with the same
 * arguments, prompts, output and exit codes (docs/tools.md), plus `--json`.
 */
import { isNutServerError } from '../../client/errors.ts'
import type { NutClient } from '../../client/nut-client.ts'
import {
  awaitResult,
  err,
  exitQuietlyOnBrokenPipe,
  fail,
  login,
  out,
  parseTimeoutOrExit,
  printJson,
  runTool,
  ToolExit,
  upsAddressOrExit,
} from '../nut-tools-common.ts'
import { getopt } from '../nut-tools-getopt.ts'
import { chopLast, currentUserName, readPassword, readStdinLine } from '../nut-tools-prompt.ts'
import { upscmdUsage, versionLine } from '../nut-tools-usage.ts'

export async function run(args: string[]): Promise<number> {
  exitQuietlyOnBrokenPipe()
  const parsed = getopt('upscmd', args, 'lhu:p:t:wV')
  let listOnly = false
  let username: string | undefined
  let password: string | undefined
  let tracking = false
  let timeoutS = 10
  for (const event of parsed.events) {
    if (event.kind === 'error') {
      err(`${event.message}\n`)
      out(upscmdUsage)
      return 0
    }
    const value = event.argument ?? ''
    switch (event.name) {
      case 'l':
        listOnly = true
        break
      case 'u':
        username = value
        break
      case 'p':
        password = value
        break
      case 't':
        try {
          timeoutS = parseTimeoutOrExit(value)
        } catch (error) {
          if (error instanceof ToolExit) err(`${error.lines.join('\n')}\n`)
          return 1
        }
        break
      case 'w':
        tracking = true
        break
      case 'V':
        err(versionLine('upscmd'))
        return 0
      default:
        out(upscmdUsage)
        return 0
    }
  }
  const { json, operands } = parsed
  const [target, command, parameter] = operands
  if (target === undefined) {
    out(upscmdUsage)
    return 0
  }
  return runTool(json, async (session) => {
    const address = upsAddressOrExit(target)
    const client = await session.connect(address, 'off')
    if (listOnly) return listCommands(client, address.ups, json)
    if (command === undefined) {
      out(upscmdUsage)
      return 0
    }
    if (!command.includes('.')) {
      throw new ToolExit(['Error: old command names are not supported'], 'NS_USAGE')
    }
    let user = username
    if (user === undefined) {
      const me = currentUserName()
      // With --json, stdout carries only the JSON document: the prompt goes to stderr.
      ;(json ? err : out)(me === undefined ? 'Username: ' : `Username (${me}): `)
      const line = readStdinLine()
      if (line === undefined) throw new ToolExit(['Error reading from stdin!'], 'NS_USAGE')
      if (line.length > 1) user = chopLast(line)
      else if (me === undefined) {
        throw new ToolExit(['No username available - even tried getpwuid'], 'NS_USAGE')
      } else user = me
    }
    await login(client, user, password ?? readPassword('Password: '))
    if (tracking) {
      await client.setTracking(true).catch((error: unknown) => {
        if (isNutServerError(error)) {
          throw new ToolExit(
            [`Enabling command status tracking failed. upsd answered: ${error.line}`],
            error.word,
          )
        }
        return fail('Enabling command status tracking failed: ', error)
      })
    }
    // upscmd sends the value unquoted: a value with spaces arrives as several words, and
    // upsd then ignores it. Sending its words does the same to any server.
    const words = parameter === undefined ? [] : parameter.split(' ').filter((w) => w !== '')
    const reply = await client
      .request(['INSTCMD', address.ups, command, ...words])
      .catch((error: unknown) => {
        if (isNutServerError(error)) {
          throw new ToolExit([`Unexpected response from upsd: ${error.line}`], error.word)
        }
        return fail('Instant command failed: ', error)
      })
    if (!reply.raw.startsWith('OK')) {
      throw new ToolExit([`Unexpected response from upsd: ${reply.raw}`], 'NS_CLIENT_PROTOCOL')
    }
    const outcome = await awaitResult(client, reply.raw, tracking, timeoutS)
    if (json) printJson(outcome)
    else err(`${outcome.result}\n`)
    return 0
  })
}

async function listCommands(client: NutClient, ups: string, json: boolean): Promise<number> {
  const commands = await client.listCommands(ups).catch((error: unknown) => {
    if (isNutServerError(error) && error.word.startsWith('UNKNOWN-COMMAND')) {
      throw new ToolExit(['Error: upsd is too old to support this query'], error.word)
    }
    return fail('Error: ', error)
  })
  const described = await Promise.all(
    commands.map(async (name) => ({
      name,
      description: await client.getCommandDescription(ups, name).catch(() => undefined),
    })),
  )
  if (json) {
    printJson(described)
    return 0
  }
  out(`Instant commands supported on UPS [${ups}]:\n\n`)
  for (const { name, description } of described) {
    out(description === undefined ? `${name}\n` : `${name} - ${description}\n`)
  }
  return 0
}
