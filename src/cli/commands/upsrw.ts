/**
 * `nutshell upsrw`: NUT's upsrw (list and set writable variables), with the same
 * arguments, prompts, output and exit codes (docs/tools.md), plus `--json`.
 */
import { isNutServerError } from '../../client/errors.ts'
import type { NutClient, VariableType } from '../../client/nut-client.ts'
import { atoi } from '../../client/nut-client.ts'
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
import { upsrwUsage, versionLine } from '../nut-tools-usage.ts'

interface Settings {
  setvar: string | undefined
  username: string | undefined
  password: string | undefined
  tracking: boolean
  timeoutS: number
  json: boolean
}

export async function run(args: string[]): Promise<number> {
  exitQuietlyOnBrokenPipe()
  const parsed = getopt('upsrw', args, 'hls:p:t:u:wV')
  const settings: Settings = {
    setvar: undefined,
    username: undefined,
    password: undefined,
    tracking: false,
    timeoutS: 10,
    json: parsed.json,
  }
  for (const event of parsed.events) {
    if (event.kind === 'error') {
      err(`${event.message}\n`)
      out(upsrwUsage)
      return 0
    }
    const value = event.argument ?? ''
    switch (event.name) {
      case 's':
        settings.setvar = value
        break
      case 'l':
        if (settings.setvar !== undefined) {
          err('Listing mode requested, overriding setvar specified earlier!\n')
          settings.setvar = undefined
        }
        break
      case 'p':
        settings.password = value
        break
      case 'u':
        settings.username = value
        break
      case 'w':
        settings.tracking = true
        break
      case 't':
        try {
          settings.timeoutS = parseTimeoutOrExit(value)
        } catch (error) {
          if (error instanceof ToolExit) err(`${error.lines.join('\n')}\n`)
          return 1
        }
        break
      case 'V':
        out(versionLine('upsrw'))
        return 0
      default:
        out(upsrwUsage)
        return 0
    }
  }
  const [target] = parsed.operands
  if (target === undefined) {
    out(upsrwUsage)
    return 0
  }
  return runTool(settings.json, async (session) => {
    const address = upsAddressOrExit(target)
    const client = await session.connect(address, 'off')
    if (settings.setvar !== undefined)
      return setVariable(client, address.ups, settings.setvar, settings)
    return listVariables(client, address.ups, settings.json)
  })
}

async function setVariable(
  client: NutClient,
  ups: string,
  setvar: string,
  settings: Settings,
): Promise<number> {
  // With --json, stdout carries only the JSON document: prompts go to stderr.
  const prompt = settings.json ? err : out
  let username = settings.username
  if (username === undefined) {
    const me = currentUserName()
    prompt(me === undefined ? 'Username: ' : `Username (${me}): `)
    const line = readStdinLine() ?? ''
    if (line.length > 1) username = chopLast(line)
    else if (me === undefined) {
      throw new ToolExit(['No username available - even tried getpwuid'], 'NS_USAGE')
    } else username = me
  }
  const password = settings.password ?? readPassword('Password: ')
  const equals = setvar.indexOf('=')
  let name = setvar
  let value: string
  if (equals >= 0) {
    name = setvar.slice(0, equals)
    value = setvar.slice(equals + 1)
  } else {
    prompt(`Enter new value for ${setvar}: `)
    value = chopLast(readStdinLine() ?? '')
  }

  await login(client, username, password)
  if (!name.includes('.')) {
    throw new ToolExit(['Error: old variable names are not supported'], 'NS_USAGE')
  }
  if (settings.tracking) {
    await client.setTracking(true).catch((error: unknown) => {
      if (isNutServerError(error)) {
        throw new ToolExit(
          [`Enabling set variable status tracking failed. upsd answered: ${error.line}`],
          error.word,
        )
      }
      return fail('Enabling set variable status tracking failed: ', error)
    })
  }
  const accepted = await client.setVar(ups, name, value).catch((error: unknown) => {
    if (isNutServerError(error)) {
      throw new ToolExit([`Unexpected response from upsd: ${error.line}`], error.word)
    }
    return fail('Set variable failed: ', error)
  })
  const outcome = await awaitResult(client, accepted.reply, settings.tracking, settings.timeoutS)
  if (settings.json) printJson(outcome)
  else err(`${outcome.result}\n`)
  return 0
}

interface Listed {
  name: string
  description: string
  type: string[]
  value?: string
  maxLength?: number
  options?: string[]
  ranges?: Array<{ min: number; max: number }>
}

async function listVariables(client: NutClient, ups: string, json: boolean): Promise<number> {
  const rw = await client.listRw(ups).catch((error: unknown) => {
    if (isNutServerError(error) && error.word.startsWith('UNKNOWN-COMMAND')) {
      throw new ToolExit(['Error: upsd is too old to support this query'], error.word)
    }
    return fail('Error: ', error)
  })
  const listed: Listed[] = []
  for (const { name } of rw) {
    const [description, type] = await Promise.all([
      client.getDescription(ups, name).catch(() => 'Description unavailable'),
      client.getType(ups, name).catch(() => undefined),
    ])
    const text: string[] = [`[${name}]`, description]
    const entry: Listed = { name, description, type: type?.flags ?? [] }
    let complete = false
    try {
      if (type === undefined) text.push('Unknown type')
      else await describeType(client, ups, name, type, text, entry)
      complete = true
    } finally {
      // What upsrw printed before it stopped is printed too.
      if (!json) out(`${text.join('\n')}\n${complete ? '\n' : ''}`)
    }
    listed.push(entry)
  }
  if (json) printJson(listed)
  return 0
}

async function currentValue(client: NutClient, ups: string, name: string, what: string) {
  return client.getVar(ups, name).catch(() => {
    throw new ToolExit([`${what}: can't get current value of ${name}`], 'VAR-NOT-SUPPORTED')
  })
}

/** upsrw's reading of the TYPE words: the first of RANGE, STRING:n or NUMBER decides. */
async function describeType(
  client: NutClient,
  ups: string,
  name: string,
  type: VariableType,
  text: string[],
  entry: Listed,
): Promise<void> {
  let isEnum = false
  for (const flag of type.flags) {
    const upper = flag.toUpperCase()
    if (upper === 'ENUM') {
      isEnum = true
      continue
    }
    if (upper === 'RANGE') {
      const value = await currentValue(client, ups, name, 'do_range')
      const ranges = await client.listRange(ups, name).catch((e: unknown) => fail('Error: ', e))
      const current = atoi(value)
      text.push('Type: RANGE NUMBER')
      for (const { min, max } of ranges) {
        const selected = current >= min && current <= max ? ' SELECTED' : ''
        text.push(`Option: "${min}-${max}"${selected}`)
      }
      Object.assign(entry, { value, ranges })
      return
    }
    if (upper.startsWith('STRING:')) {
      const maxLength = atoi(flag.slice(7))
      if (isEnum) await describeEnum(client, ups, name, 'STRING', maxLength, text, entry)
      else {
        const value = await currentValue(client, ups, name, 'do_string')
        text.push('Type: STRING', `Maximum length: ${maxLength}`, `Value: ${value}`)
        Object.assign(entry, { value, maxLength })
      }
      return
    }
    if (upper === 'NUMBER') {
      if (isEnum) await describeEnum(client, ups, name, 'NUMBER', 0, text, entry)
      else {
        const value = await currentValue(client, ups, name, 'do_number')
        text.push('Type: NUMBER', `Value: ${value}`)
        entry.value = value
      }
      return
    }
    if (upper !== 'RW') text.push(`Type: ${flag} (unrecognized)`)
  }
  if (isEnum) await describeEnum(client, ups, name, undefined, 0, text, entry)
}

async function describeEnum(
  client: NutClient,
  ups: string,
  name: string,
  kind: 'STRING' | 'NUMBER' | undefined,
  maxLength: number,
  text: string[],
  entry: Listed,
): Promise<void> {
  const value = await currentValue(client, ups, name, 'do_enum')
  const options = await client.listEnum(ups, name).catch((e: unknown) => fail('Error: ', e))
  text.push(kind === undefined ? 'Type: ENUM' : `Type: ENUM ${kind}`)
  if (kind === 'STRING') text.push(`Maximum length: ${maxLength}`)
  for (const option of options)
    text.push(`Option: "${option}"${option === value ? ' SELECTED' : ''}`)
  Object.assign(entry, { value, options }, kind === 'STRING' ? { maxLength } : {})
}
