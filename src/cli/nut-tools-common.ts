/**
 * What `nutshell upsc`, `upsrw` and `upscmd` share: NUT's messages and exit codes, the
 * connection as NUT's tools make it, the wait on a tracking id, and the `--json` output.
 *
 * NUT's tools print an error and exit 1 from wherever it happens (fatalx); here a
 * `ToolExit` carries the lines and the code up to `run()`, which prints them. In JSON
 * mode the same failure is one line on stderr: {"error":{"code":…,"message":…}}.
 */
import { parseUpsAddress, type UpsAddress } from '../client/address.ts'
import { isNutServerError, libupsclientMessage, NutClientError } from '../client/errors.ts'
import { NutClient } from '../client/nut-client.ts'
import type { TlsMode } from '../client/tls.ts'
import { sleep, systemClock } from '../core/clock.ts'
import { isNutshellError } from '../core/errors.ts'

/** libupsclient waits 5 s for each reply; so do the tools. */
export const replyTimeoutMs = 5000

export class ToolExit extends Error {
  readonly code: number
  readonly lines: string[]
  /** Machine-readable reason for --json: a NUT wire word or an NS_ code. */
  readonly reason: string

  constructor(lines: string[], reason: string, code = 1) {
    super(lines.join('\n'))
    this.lines = lines
    this.reason = reason
    this.code = code
  }
}

/** The reason code of any error, for --json. */
export function reasonOf(error: unknown): string {
  if (isNutServerError(error)) return error.word
  if (isNutshellError(error)) return error.code
  return 'NS_INTERNAL'
}

/** Fails with `prefix` + libupsclient's message for `error` ("Error: Unknown UPS"). */
export function fail(prefix: string, error: unknown): never {
  throw new ToolExit([`${prefix}${libupsclientMessage(error)}`], reasonOf(error))
}

let pipeGuarded = false

/**
 * `nutshell upsc … | head -1`: NUT's tools die quietly of SIGPIPE; Node would print a
 * stack trace for EPIPE instead. Exit as quietly, with the shell's code for SIGPIPE.
 */
export function exitQuietlyOnBrokenPipe(): void {
  if (pipeGuarded) return
  pipeGuarded = true
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'EPIPE') process.exit(141)
      throw error
    })
  }
}

export function out(text: string): void {
  process.stdout.write(text)
}

export function err(text: string): void {
  process.stderr.write(text)
}

export function printJson(value: unknown): void {
  out(`${JSON.stringify(value, null, 2)}\n`)
}

/**
 * Runs a tool body and turns a ToolExit (or anything unexpected) into output and an exit
 * code. The client, if any, is always closed with LOGOUT, as NUT's tools do at exit.
 */
export async function runTool(
  json: boolean,
  body: (session: ToolSession) => Promise<number>,
): Promise<number> {
  const session = new ToolSession()
  try {
    return await body(session)
  } catch (error) {
    const exit =
      error instanceof ToolExit
        ? error
        : new ToolExit([`Error: ${libupsclientMessage(error)}`], reasonOf(error))
    if (json) {
      err(`${JSON.stringify({ error: { code: exit.reason, message: exit.lines.join('\n') } })}\n`)
    } else if (exit.lines.length > 0) {
      err(`${exit.lines.join('\n')}\n`)
    }
    return exit.code
  } finally {
    session.client?.quit()
  }
}

export class ToolSession {
  client: NutClient | undefined

  /**
   * Connects as the NUT tools do; `tls: 'try'` is upsc's STARTTLS probe. When the probe
   * itself gets no answer, upsc prints libupsclient's SSL message first.
   */
  async connect(
    address: UpsAddress | { host: string; port: number },
    tls: TlsMode,
  ): Promise<NutClient> {
    try {
      this.client = await NutClient.connect({
        host: address.host,
        port: address.port,
        tls,
        timeoutMs: replyTimeoutMs,
        connectTimeoutMs: 30_000,
      })
      return this.client
    } catch (error) {
      const probeFailed =
        tls === 'try' &&
        error instanceof NutClientError &&
        (error.code === 'NS_CLIENT_CLOSED' || error.code === 'NS_CLIENT_TIMEOUT')
      const lines = probeFailed
        ? [`Error while connecting to NUT server ${address.host}, disconnect`]
        : []
      throw new ToolExit([...lines, `Error: ${libupsclientMessage(error)}`], reasonOf(error))
    }
  }
}

/**
 * `ups[@host[:port]]` for upsrw and upscmd: on failure, libupsclient's diagnostic (if any)
 * and the tool's one-line message.
 */
export function upsAddressOrExit(text: string | undefined): UpsAddress {
  const parsed = parseUpsAddress(text)
  if (parsed.ok) return parsed.value
  const lines = parsed.message === undefined ? [] : [parsed.message]
  lines.push('Error: invalid UPS definition.  Required format: upsname[@hostname[:port]]')
  throw new ToolExit(lines, 'NS_USAGE')
}

/** `-t <timeout>`: an unsigned int as NUT's str_to_uint reads it. */
export function parseTimeoutOrExit(text: string): number {
  const prefix = "Could not convert the provided value for timeout ('-t' option) to unsigned int: "
  if (!/^\s*\d+$/.test(text)) throw new ToolExit([`${prefix}Invalid argument`], 'NS_USAGE')
  const value = Number(text.trim())
  if (value > 4294967295) {
    throw new ToolExit([`${prefix}Numerical result out of range`], 'NS_USAGE')
  }
  return value
}

/** NUT's tracking ids are UUIDs: upsrw/upscmd only wait when the id has that length. */
const trackingReply = /^OK TRACKING (.{36})$/

/**
 * After SET VAR or INSTCMD answered `reply`: without tracking, the reply is the result.
 * With it, poll GET TRACKING (at once, then every second) until it is not PENDING or
 * `timeoutS` seconds passed, as upsrw/upscmd -w do.
 */
export async function awaitResult(
  client: NutClient,
  reply: string,
  tracking: boolean,
  timeoutS: number,
): Promise<{ result: string; trackingId?: string }> {
  const id = trackingReply.exec(reply)?.[1]
  if (!tracking || id === undefined) return { result: reply }
  // Whole seconds, as NUT's time()/difftime() loop counts them.
  const seconds = (): number => Math.floor(Date.now() / 1000)
  const start = seconds()
  for (;;) {
    if (seconds() - start >= timeoutS) {
      throw new ToolExit(
        ["Can't receive status tracking information: timeout"],
        'NS_CLIENT_TIMEOUT',
      )
    }
    let status: string
    try {
      status = await client.getTracking(id, Math.max(1, timeoutS) * 1000)
    } catch (error) {
      if (isNutServerError(error)) return { result: error.line, trackingId: id }
      fail("Can't receive status tracking information: ", error)
    }
    if (status !== 'PENDING') return { result: status, trackingId: id }
    await sleep(systemClock, 1000)
  }
}

/**
 * USERNAME and PASSWORD as upsrw and upscmd send them: an ERR answer is not checked (the
 * SET or INSTCMD that follows reports it); only a lost connection stops here. An empty
 * name or password is not sent at all, which leaves upsd in the same state as NUT's
 * unquoted empty word does.
 */
export async function login(client: NutClient, username: string, password: string): Promise<void> {
  const tolerate = (prefix: string) => (error: unknown) => {
    if (!isNutServerError(error)) fail(prefix, error)
  }
  if (username !== '') await client.username(username).catch(tolerate('Set username failed: '))
  if (password !== '') await client.password(password).catch(tolerate('Set password failed: '))
}
