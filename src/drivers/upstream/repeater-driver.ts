/**
 * dummy-ups' repeater mode (`port = ups@host[:port]`): a device that mirrors a UPS served
 * by another upsd (real NUT or nutshell), through nutshell's own client.
 *
 * - Polls every second (ups.conf `pollinterval` to change it): LIST VAR and LIST CMD, and
 *   for variables not seen before (and all of them every 30 s) GET TYPE, LIST ENUM and
 *   LIST RANGE, so flags, lengths, enums and ranges are the remote's. When the upstream is
 *   nutshell, its push extension (WATCH) makes the repeater poll the moment a value changes.
 * - The remote's `driver.*` variables are replaced by the repeater's own, as dummy-ups does.
 * - SET and INSTCMD are passed to the remote upsd (an improvement over dummy-ups 2.8.0,
 *   which refuses them) with TRACKING, so the caller gets the real result. This needs
 *   `username` and `password` in the section, for a user of the remote's upsd.users.
 * - Communication: `lost` until the first poll succeeds; `stale` while the remote cannot
 *   be reached or says its data is stale; reconnects with a backoff of 1 s doubling to 30 s.
 */

import {
  formatUpsAddress,
  isNutServerError,
  NutClient,
  parseUpsAddress,
  type UpsAddress,
} from '../../client/index.ts'
import type { DeviceConfig } from '../../config/types.ts'
import type { TimerHandle } from '../../core/clock.ts'
import { describeError, NutshellError } from '../../core/errors.ts'
import { bindOnce, type Logger, RateLimitedLog } from '../../core/log.ts'
import type { CommandOutcome, DeviceController } from '../../devices/command-result.ts'
import type { Device } from '../../devices/device.ts'
import type { Driver, DriverContext } from '../driver.ts'
import { type DriverSetup, driverSetup } from '../dummy/driver-setup.ts'
import { resolveMode } from '../dummy/mode.ts'
import { applySnapshot, type RemoteSnapshot, type RemoteVariable } from './mirror.ts'
import { fetchTypes } from './remote-types.ts'

const typeRefreshMs = 30_000
const maxBackoffMs = 30_000
const requestTimeoutMs = 5_000
const trackingTimeoutMs = 15_000

export class RepeaterDriver implements Driver {
  readonly address: UpsAddress
  private readonly device: Device
  private readonly context: DriverContext
  /** Bound to the device: its lines carry `device` once, whoever made the context. */
  private readonly log: Logger
  private readonly setup: DriverSetup
  private readonly pollMs: number
  private readonly credentials: { username: string; password: string } | undefined
  private readonly failures: RateLimitedLog
  private poller: NutClient | undefined
  private control: Promise<NutClient> | undefined
  private timer: TimerHandle | undefined
  private stopped = false
  private polling: Promise<void> | undefined
  private failuresInRow = 0
  /** A push arrived during a poll: poll once more as soon as it ends. */
  private pollAgain = false
  /** True while the upstream pushes changes (a nutshell server). */
  pushing = false
  private lastTypeRefresh = Number.NEGATIVE_INFINITY
  private readonly typed = new Set<string>()

  constructor(config: DeviceConfig, device: Device, context: DriverContext) {
    const parsed = parseUpsAddress(config.port)
    if (!parsed.ok) {
      throw new NutshellError(
        'NS_CONFIG_INVALID',
        `[${config.name}] port "${config.port}" is not ups@host[:port]${parsed.message === undefined ? '' : `: ${parsed.message}`}`,
      )
    }
    this.address = parsed.value
    this.device = device
    this.context = context
    this.log = bindOnce(context.log, { device: device.name })
    const options = { ...config.options }
    const username = options['username']
    const password = options['password']
    delete options['username']
    delete options['password']
    this.credentials =
      username !== undefined && password !== undefined ? { username, password } : undefined
    this.setup = driverSetup(
      { ...config, options },
      resolveMode(config.port, config.options['mode']).reported,
    )
    this.pollMs = config.options['pollinterval'] === undefined ? 1000 : this.setup.pollIntervalMs
    this.failures = new RateLimitedLog(context.clock, 3, 60_000)
  }

  async start(): Promise<void> {
    for (const warning of this.setup.warnings) this.log.warn(warning)
    this.device.attachController(this.controller())
    await this.pollNow()
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.timer?.cancel()
    await this.polling
    this.poller?.destroy()
    this.poller = undefined
    const control = this.control
    this.control = undefined
    if (control !== undefined) await control.then((c) => c.close(500)).catch(() => undefined)
    this.device.setCommState('lost')
  }

  /** Polls at once (or waits for the poll under way), then schedules the next one. */
  pollNow(): Promise<void> {
    if (this.polling !== undefined) return this.polling
    if (this.stopped) return Promise.resolve()
    this.timer?.cancel()
    this.pollAgain = false
    this.polling = this.poll().finally(() => {
      this.polling = undefined
      if (this.stopped) return
      if (this.pollAgain && this.failuresInRow === 0) {
        void this.pollNow()
        return
      }
      const delay =
        this.failuresInRow === 0
          ? this.pollMs
          : Math.min(maxBackoffMs, 1000 * 2 ** (this.failuresInRow - 1))
      this.timer = this.context.clock.setTimeout(() => void this.pollNow(), delay)
    })
    return this.polling
  }

  private reserved = (name: string): boolean => name.toLowerCase().startsWith('driver.')

  private async poll(): Promise<void> {
    try {
      const client = await this.pollClient()
      const ups = this.address.ups
      const [vars, commands] = await Promise.all([client.listVars(ups), client.listCommands(ups)])
      const refreshAll = this.context.clock.now() - this.lastTypeRefresh >= typeRefreshMs
      const wanted = vars.filter((v) => refreshAll || !this.typed.has(v.name.toLowerCase()))
      const types = await fetchTypes(
        client,
        ups,
        wanted.map((v) => v.name),
      )
      if (this.stopped) return
      if (refreshAll) this.lastTypeRefresh = this.context.clock.now()
      const variables: RemoteVariable[] = vars.map((v) => ({ ...v, ...types.get(v.name) }))
      // A variable that goes away and comes back gets its type fetched again.
      const present = new Set(vars.map((v) => v.name.toLowerCase()))
      for (const name of this.typed) if (!present.has(name)) this.typed.delete(name)
      for (const name of types.keys()) this.typed.add(name.toLowerCase())
      this.applyRemote({ variables, commands })
      this.failuresInRow = 0
      this.device.setCommState('ok')
    } catch (error) {
      if (this.stopped) return
      this.failed(error)
    }
  }

  private applyRemote(snapshot: RemoteSnapshot): void {
    applySnapshot(this.device, snapshot, this.reserved)
    for (const { name, value } of this.setup.driverVariables) this.device.setValue(name, value)
    this.device.lastUpdate = this.context.clock.now()
  }

  private failed(error: unknown): void {
    this.failuresInRow++
    const remoteSaid = isNutServerError(error)
    if (!remoteSaid) {
      this.poller?.destroy()
      this.poller = undefined
    }
    // Before the first good poll there is nothing to serve: the device stays lost.
    if (this.device.commState === 'ok') this.device.setCommState('stale')
    const suppressed = this.failures.allow(remoteSaid ? error.word : 'link')
    if (suppressed < 0) return
    this.log.warn(
      { upstream: formatUpsAddress(this.address), suppressed },
      `repeater cannot read ${formatUpsAddress(this.address)}: ${describeError(error)}`,
    )
  }

  private async pollClient(): Promise<NutClient> {
    if (this.poller !== undefined && !this.poller.closed) return this.poller
    const client = await this.connect()
    this.poller = client
    // A closed link is noticed at once (then stale, and reconnect), not at the next poll.
    client.onClose(() => {
      if (this.poller === client) this.pushArrived()
    })
    await this.watch(client)
    return client
  }

  /**
   * nutshell's push extension: a nutshell upstream then says at once when something
   * changed, and the repeater polls right away instead of within the second. Real upsd
   * answers ERR UNKNOWN-COMMAND and nothing changes. The filter is set before WATCH because
   * the server pushes a first snapshot right after its OK.
   */
  private async watch(client: NutClient): Promise<void> {
    const ups = this.address.ups.toLowerCase()
    client.setPushFilter({
      matches: (line) => line.words[0] === 'PUSH',
      deliver: (line) => {
        if (line.words[2]?.toLowerCase() === ups) this.pushArrived()
      },
    })
    try {
      await client.request(['WATCH', this.address.ups])
      this.pushing = true
    } catch (error) {
      if (!isNutServerError(error)) throw error
      this.pushing = false
    }
  }

  private pushArrived(): void {
    if (this.stopped) return
    if (this.polling === undefined) void this.pollNow()
    else this.pollAgain = true
  }

  private connect(): Promise<NutClient> {
    return NutClient.connect({
      host: this.address.host,
      port: this.address.port,
      tls: 'try',
      timeoutMs: requestTimeoutMs,
      connectTimeoutMs: requestTimeoutMs,
      clock: this.context.clock,
    })
  }

  // ---- SET and INSTCMD, passed through ---------------------------------------------------

  private controller(): DeviceController {
    return {
      setVariable: (name, value) =>
        this.passThrough((client) => client.setVar(this.address.ups, name, value)),
      instantCommand: (name, parameter) =>
        this.passThrough((client) => client.instcmd(this.address.ups, name, parameter)),
    }
  }

  private async passThrough(
    send: (client: NutClient) => Promise<{ trackingId?: string }>,
  ): Promise<CommandOutcome> {
    if (this.stopped) return 'ERR FAILED'
    if (this.credentials === undefined) {
      this.log.warn(
        'repeater: SET and INSTCMD need username and password for the remote upsd in the device section',
      )
      return 'ERR FAILED'
    }
    try {
      const client = await this.controlClient()
      const accepted = await send(client)
      const outcome =
        accepted.trackingId === undefined
          ? 'SUCCESS'
          : await client.waitForTracking(accepted.trackingId, {
              timeoutMs: trackingTimeoutMs,
              intervalMs: 100,
            })
      void this.pollNow()
      return outcome
    } catch (error) {
      if (isNutServerError(error)) return outcomeOfRefusal(error.word)
      this.control = undefined
      this.log.warn({ err: describeError(error) }, 'repeater: remote command failed')
      return 'ERR FAILED'
    }
  }

  /** One logged-in connection for commands, with tracking on when the remote has it. */
  private controlClient(): Promise<NutClient> {
    const existing = this.control
    if (existing !== undefined) {
      return existing.then((client) => (client.closed ? this.openControl() : client))
    }
    return this.openControl()
  }

  private openControl(): Promise<NutClient> {
    const credentials = this.credentials
    const opening = (async () => {
      const client = await this.connect()
      try {
        if (credentials !== undefined)
          await client.authenticate(credentials.username, credentials.password)
        await client.setTracking(true).catch((error: unknown) => {
          // upsd before 2.8 has no tracking: OK then only means "forwarded".
          if (!isNutServerError(error)) throw error
        })
        return client
      } catch (error) {
        client.destroy()
        throw error
      }
    })()
    this.control = opening
    opening.catch(() => {
      if (this.control === opening) this.control = undefined
    })
    return opening
  }
}

/** A remote ERR reply to SET VAR / INSTCMD, as a tracking outcome. */
function outcomeOfRefusal(word: string): CommandOutcome {
  switch (word) {
    case 'INVALID-ARGUMENT':
    case 'INVALID-VALUE':
    case 'TOO-LONG':
      return 'ERR INVALID-ARGUMENT'
    case 'VAR-NOT-SUPPORTED':
    case 'CMD-NOT-SUPPORTED':
      return 'ERR UNKNOWN'
    default:
      return 'ERR FAILED'
  }
}
