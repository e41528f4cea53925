import type { Device } from '../devices/device.ts'
import type { DeviceStore } from '../devices/device-store.ts'
import type { ActionBody, ActionRequest } from './action-sink.ts'
import type { Action } from './ast.ts'
import { readVariable } from './compile-expr.ts'
import { parseTemplate, renderTemplate } from './template.ts'

/** What an action needs to know about the moment it runs in. */
export interface ActionContext {
  device: Device | undefined
  /** The device name used for `{ups}` and as the default target. */
  deviceName: string
  event: string | undefined
  /** `file:line` of the rule. */
  rule: string
}

/** The evaluator's side of actions: timers are its own, the rest goes to the sink. */
export interface ActionHost {
  store: DeviceStore
  emit(body: ActionBody, ctx: ActionContext): void
  startTimer(name: string, seconds: number, ctx: ActionContext): void
  /** Returns whether the timer was running. */
  cancelTimer(name: string, ctx: ActionContext): boolean
}

export type CompiledAction = (ctx: ActionContext) => void

/** Compiles actions once: templates are parsed here, not on every run. */
export function compileActions(actions: Action[], host: ActionHost): CompiledAction[] {
  return actions.map((action) => compileAction(action, host))
}

function compileAction(action: Action, host: ActionHost): CompiledAction {
  switch (action.kind) {
    case 'notify':
    case 'log': {
      const text = template(action.text.value, host)
      const kind = action.kind
      return (ctx) => host.emit({ action: kind, text: text(ctx) }, ctx)
    }
    case 'exec': {
      const argv = action.argv.map((a) => template(a.value, host))
      const timeoutMs = action.timeout === undefined ? undefined : action.timeout.seconds * 1000
      return (ctx) =>
        host.emit(
          {
            action: 'exec',
            argv: argv.map((a) => a(ctx)),
            timeoutMs,
            env: { UPSNAME: ctx.deviceName, NOTIFYTYPE: ctx.event ?? '' },
          },
          ctx,
        )
    }
    case 'webhook': {
      const url = action.url.value
      return (ctx) => {
        const target = ctx.device ?? host.store.get(ctx.deviceName)
        const variables: Record<string, string> = {}
        for (const v of target?.listVariables() ?? []) variables[v.name] = v.value
        host.emit(
          {
            action: 'webhook',
            url,
            payload: {
              device: ctx.deviceName,
              rule: ctx.rule,
              event: ctx.event,
              time: '',
              status: readVariable(target, 'ups.status'),
              variables,
            },
          },
          ctx,
        )
      }
    }
    case 'instcmd': {
      const { device, command, param } = action
      return (ctx) =>
        host.emit(
          { action: 'instcmd', command: command.text, parameter: param?.text },
          retarget(ctx, device?.text),
        )
    }
    case 'set': {
      const { device, variable, value } = action
      return (ctx) =>
        host.emit(
          { action: 'set', variable: variable.text, value: value.text },
          retarget(ctx, device?.text),
        )
    }
    case 'fsd': {
      const device = action.device?.text
      return (ctx) => host.emit({ action: 'fsd' }, retarget(ctx, device))
    }
    case 'shutdown':
    case 'hibernate': {
      const kind = action.kind
      return (ctx) => host.emit({ action: kind }, ctx)
    }
    case 'start-timer': {
      const name = action.name.text
      const seconds = action.duration.seconds
      return (ctx) => host.startTimer(name, seconds, ctx)
    }
    case 'cancel-timer': {
      const name = action.name.text
      const otherwise = action.otherwise === undefined ? [] : compileActions(action.otherwise, host)
      return (ctx) => {
        if (!host.cancelTimer(name, ctx)) for (const a of otherwise) a(ctx)
      }
    }
  }
}

function retarget(ctx: ActionContext, device: string | undefined): ActionContext {
  if (device === undefined) return ctx
  return { ...ctx, deviceName: device }
}

function template(text: string, host: ActionHost): (ctx: ActionContext) => string {
  const parsed = parseTemplate(text)
  if (parsed.parts.every((p) => p.kind === 'text')) {
    const fixed = renderTemplate(parsed, () => undefined)
    return () => fixed
  }
  return (ctx) =>
    renderTemplate(parsed, (device, name) => {
      if (device === undefined) {
        if (name === 'ups') return ctx.deviceName
        if (name === 'event') return ctx.event ?? ''
        return readVariable(ctx.device, name.toLowerCase())
      }
      return readVariable(host.store.get(device), name.toLowerCase())
    })
}

/** The request as the sink gets it. */
export function request(
  body: ActionBody,
  ctx: ActionContext,
  at: number,
  wallTime: number,
): ActionRequest {
  // The body is a fresh object from the action's closure: completing it in place saves
  // two copies per action on the evaluator's hot path.
  const r = body as ActionRequest
  r.at = at
  r.wallTime = wallTime
  r.rule = ctx.rule
  r.device = ctx.deviceName
  if (ctx.event !== undefined) r.event = ctx.event
  if (r.action === 'webhook') r.payload.time = new Date(wallTime).toISOString()
  return r
}
