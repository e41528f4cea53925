/**
 * The `script` driver: a device driven by a powerman device script (`.dev`) over TCP, a
 * serial line or a coprocess. The engine (device-engine.ts) runs the scripts; this file
 * publishes the plugs as NUT outlets, reads their status every poll interval (and after
 * every switch), carries out `outlet.*` instant commands with the script's real outcome
 * (so `upscmd -w` waits for it), and sets the device stale with the engine's reason
 * while the device cannot be reached.
 */
import type { DeviceConfig } from '../../config/types.ts'
import type { TimerHandle } from '../../core/clock.ts'
import { NutshellError } from '../../core/errors.ts'
import { bindOnce, type Logger } from '../../core/log.ts'
import type { CommandOutcome, DeviceController } from '../../devices/command-result.ts'
import type { Device } from '../../devices/device.ts'
import type { Family } from '../../protocol/powerman/select-script.ts'
import { supports } from '../../protocol/powerman/select-script.ts'
import type { Driver, DriverContext } from '../driver.ts'
import { DeviceEngine, type LinkStatus, type RequestOutcome } from './device-engine.ts'
import { resolveScriptSetup, type ScriptSetup } from './driver-config.ts'
import { type Outlet, type OutletCommand, outletCommands, switchable } from './outlets.ts'
import { type PowermanTarget, powermanTargets } from './targets.ts'
import { linkFor } from './transports/open-link.ts'

export class ScriptDriver implements Driver {
  private readonly config: DeviceConfig
  private readonly device: Device
  private readonly context: DriverContext
  private readonly log: Logger
  private setup: ScriptSetup | undefined
  private engine: DeviceEngine | undefined
  private outlets: Outlet[] = []
  private commands = new Map<string, OutletCommand>()
  private pollTimer: TimerHandle | undefined
  private polling = false
  private lastPollOk = false
  private target: PowermanTarget | undefined

  constructor(config: DeviceConfig, device: Device, context: DriverContext) {
    this.config = config
    this.device = device
    this.context = context
    this.log = bindOnce(context.log, { device: device.name })
  }

  async start(): Promise<void> {
    const resolved = resolveScriptSetup(this.config, this.context.configDir)
    if (!resolved.ok) {
      this.device.setCommState('lost')
      throw new NutshellError(
        'NS_CONFIG_INVALID',
        `script device ${this.device.name}: ${resolved.error}`,
      )
    }
    const setup = resolved.setup
    this.setup = setup
    for (const w of setup.warnings) this.log.warn(w)
    const engine = new DeviceEngine({
      name: this.device.name,
      program: setup.program,
      plugs: setup.plugs,
      open: linkFor(setup.transport, this.log),
      clock: this.context.clock,
      log: this.log,
      dialect: setup.dialect,
    })
    this.engine = engine
    this.outlets = setup.plugs
      .filter((p) => p.node !== undefined)
      .map((p, i) => ({ index: i + 1, plug: p.plug, node: p.node as string }))
    this.commands = outletCommands(this.outlets, engine.scriptNames)
    this.publishStatic()
    engine.onStatus((status) => this.linkChanged(status))
    this.device.attachController(this.controller())
    this.device.setCommState('stale')
    engine.start()
    this.target = this.powermanTarget(engine, setup)
    powermanTargets.add(this.target)
    this.pollTimer = this.context.clock.setInterval(() => void this.poll(), setup.pollIntervalMs)
    void this.poll()
  }

  async stop(): Promise<void> {
    this.pollTimer?.cancel()
    if (this.target !== undefined) powermanTargets.remove(this.target)
    this.engine?.stop()
    this.device.setCommState('lost')
  }

  // ---- the device model ------------------------------------------------------------------

  private publishStatic(): void {
    const setup = this.setup as ScriptSetup
    const scripts = (this.engine as DeviceEngine).scriptNames
    const d = this.device
    const canSwitch = switchable(scripts) ? 'yes' : 'no'
    d.update(() => {
      d.setValue('device.type', 'pdu')
      d.setValue('device.model', setup.program.name)
      d.setValue('driver.name', 'script')
      d.setValue('driver.parameter.port', setup.where)
      d.setValue('driver.parameter.specification', setup.program.name)
      d.setValue('driver.parameter.pollinterval', String(setup.pollIntervalMs / 1000))
      d.setValue('outlet.count', String(this.outlets.length))
      d.setValue('outlet.switchable', canSwitch)
      for (const o of this.outlets) {
        const p = `outlet.${o.index}`
        d.setValue(`${p}.id`, String(o.index))
        d.setValue(`${p}.name`, o.plug)
        d.setValue(`${p}.desc`, o.node)
        d.setValue(`${p}.switchable`, canSwitch)
        if (supports(scripts, 'status')) d.setValue(`${p}.status`, 'unknown')
      }
      for (const name of this.commands.keys()) d.addCommand(name)
    })
  }

  private linkChanged(status: LinkStatus): void {
    if (status.state === 'ready') return
    if (
      status.state === 'disconnected' &&
      status.reason !== undefined &&
      status.reason !== 'stopped'
    ) {
      this.lastPollOk = false
      if (this.device.commState === 'ok')
        this.log.warn({ reason: status.reason }, `device stale: ${status.reason}`)
      this.device.setCommState('stale')
    }
  }

  /** Reads status (and temperature, beacon) of every outlet. */
  private async poll(): Promise<void> {
    const engine = this.engine
    if (engine === undefined || this.polling || this.outlets.length === 0) return
    this.polling = true
    try {
      await this.refresh()
    } finally {
      this.polling = false
    }
  }

  private async refresh(): Promise<void> {
    const engine = this.engine as DeviceEngine
    const plugs = this.outlets.map((o) => o.plug)
    const scripts = engine.scriptNames
    const families: Array<[Family, (o: Outlet, r: RequestOutcome) => void]> = []
    if (supports(scripts, 'status'))
      families.push(['status', (o, r) => this.set(o, 'status', r.plugs.get(o.plug)?.state)])
    if (supports(scripts, 'status_temp'))
      families.push([
        'status_temp',
        (o, r) => this.set(o, 'temperature', r.plugs.get(o.plug)?.value),
      ])
    if (supports(scripts, 'status_beacon'))
      families.push([
        'status_beacon',
        (o, r) => this.set(o, 'beacon.status', r.plugs.get(o.plug)?.state),
      ])
    let ok = true
    for (const [family, apply] of families) {
      const outcome = await engine.request(family, plugs)
      if (!outcome.ok) {
        ok = false
        this.log.debug({ errors: outcome.errors, family }, 'status read failed')
      }
      this.device.update(() => {
        for (const o of this.outlets) apply(o, outcome)
      })
    }
    if (ok) {
      this.device.lastUpdate = this.context.clock.now()
      if (!this.lastPollOk && this.device.commState !== 'ok') this.log.info('device answers')
      this.device.setCommState('ok')
    } else this.device.setCommState('stale')
    this.lastPollOk = ok
  }

  private set(outlet: Outlet, key: string, value: string | undefined): void {
    const name = `outlet.${outlet.index}.${key}`
    // A plug the script said nothing about keeps no stale value around.
    if (value === undefined) {
      if (key === 'status') this.device.setValue(name, 'unknown')
      else this.device.deleteVariable(name)
    } else this.device.setValue(name, value)
  }

  // ---- commands --------------------------------------------------------------------------

  private controller(): DeviceController {
    return {
      setVariable: async () => 'ERR INVALID-ARGUMENT',
      instantCommand: async (name) => this.instantCommand(name),
    }
  }

  private async instantCommand(name: string): Promise<CommandOutcome> {
    const command = this.commands.get(name.toLowerCase())
    const engine = this.engine
    if (command === undefined || engine === undefined) return 'ERR INVALID-ARGUMENT'
    const plugs =
      command.kind === 'outlet' ? [command.outlet.plug] : this.outlets.map((o) => o.plug)
    const outcome = await engine.request(command.family, plugs)
    if (!outcome.ok) this.log.warn({ command: name, errors: outcome.errors }, `${name} failed`)
    // The result is given once the new state has been read back, so a client that waited
    // for it (upscmd -w) sees the outlet as it now is.
    await this.refresh()
    return outcome.ok ? 'SUCCESS' : 'ERR FAILED'
  }

  // ---- the powerman face's view --------------------------------------------------------

  private powermanTarget(engine: DeviceEngine, setup: ScriptSetup): PowermanTarget {
    const byNode = new Map(this.outlets.map((o) => [o.node, o.plug]))
    return {
      device: this.device.name,
      specification: setup.program.name,
      nodes: () => this.outlets.map((o) => ({ node: o.node, plug: o.plug })),
      supports: (family) => supports(engine.scriptNames, family),
      link: () => engine.status,
      request: async (family, nodes) => {
        const plugs = nodes.map((n) => byNode.get(n) ?? n)
        const outcome = await engine.request(family, plugs)
        return {
          ok: outcome.ok,
          errors: outcome.errors,
          nodes: this.outlets
            .filter((o) => outcome.plugs.has(o.plug))
            .map((o) => {
              const r = outcome.plugs.get(o.plug)
              return {
                node: o.node,
                state: r?.state ?? 'unknown',
                value: r?.value,
                ok: r?.ok ?? false,
              }
            }),
        }
      },
    }
  }
}
