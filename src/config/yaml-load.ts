/**
 * The native config: one YAML file (`nutshell serve --config FILE`) holding devices,
 * server, users, monitor, rules and driver defaults. Parsed with source positions kept,
 * validated by the zod schema of yaml-schema.ts (issues mapped back to positions by
 * yaml-issues.ts), mapped onto BrokerConfig. Never throws.
 */
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { LineCounter, parseDocument } from 'yaml'
import { type ConfigDiagnostic, hasErrors, sortDiagnostics } from '../protocol/nut-config/index.ts'
import { type LoadResult, resolveConfigPath } from './from-nut.ts'
import { mapWeb } from './schema/web.ts'
import type { BrokerConfig } from './types.ts'
import { IssueMapper, nodeAt, type PathKey, report, toPlain, type YamlCtx } from './yaml-issues.ts'
import {
  mapDevice,
  mapDriverDefaults,
  mapMonitor,
  mapServer,
  mapUser,
  type Parsed,
} from './yaml-map.ts'
import { rootSchema } from './yaml-schema.ts'

type Root = Parsed<typeof rootSchema>

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '')
}

/** YAML syntax errors that most often come from a line indented wrongly. */
const indentationCodes = new Set([
  'BAD_INDENT',
  'BLOCK_AS_IMPLICIT_KEY',
  'MULTILINE_IMPLICIT_KEY',
  'MISSING_CHAR',
  'UNEXPECTED_TOKEN',
  'BAD_COLLECTION_TYPE',
])

function syntaxAdvice(code: string, ctx: YamlCtx): string {
  if (code === 'DUPLICATE_KEY') return 'each key may appear once in a mapping'
  if (code === 'TAB_AS_INDENT') return 'indent with spaces, not tabs'
  if (indentationCodes.has(code) && ctx.indentHinted !== true) {
    // Said once: the errors after the first misplaced line are mostly its echoes.
    ctx.indentHinted = true
    return 'check the indentation: entries of one mapping start in the same column, and a nested one is indented further (spaces only)'
  }
  return 'fix the YAML syntax at this position'
}

function crossCheck(root: Root, ctx: YamlCtx): void {
  const at = (...path: PathKey[]) => nodeAt(ctx, path)
  const devices = new Map<string, number>()
  root.devices?.forEach((d, i) => {
    const earlier = devices.get(d.name.toLowerCase())
    if (earlier !== undefined) {
      report(
        ctx,
        at('devices', i, 'name'),
        ['devices', i, 'name'],
        'duplicate',
        `device name '${d.name}' is already used by devices[${earlier}]`,
        'device names must differ case-insensitively',
      )
    } else devices.set(d.name.toLowerCase(), i)
  })
  const users = new Map<string, number>()
  root.users?.forEach((u, i) => {
    const earlier = users.get(u.name)
    if (earlier !== undefined) {
      report(
        ctx,
        at('users', i, 'name'),
        ['users', i, 'name'],
        'duplicate',
        `user '${u.name}' is already defined by users[${earlier}]`,
        'give each user one entry',
      )
    } else users.set(u.name, i)
    if (u.password === undefined) {
      report(
        ctx,
        at('users', i, 'name'),
        ['users', i],
        'no-password',
        `user '${u.name}' has no password and can never log in`,
        'add password: ...',
        'warning',
      )
    }
  })
  const monitor = root.monitor
  if (monitor?.monitors !== undefined && monitor.monitors.length > 0) {
    const total = monitor.monitors.reduce((sum, m) => sum + (m.powerValue ?? 1), 0)
    const minSupplies = monitor.minSupplies ?? 1
    if (total < minSupplies) {
      report(
        ctx,
        at('monitor', 'monitors'),
        ['monitor', 'monitors'],
        'insufficient-power',
        `the power values add up to ${total}, less than minSupplies ${minSupplies} (upsmon refuses to start with this)`,
        'raise powerValue or lower minSupplies',
        'warning',
      )
    }
  }
  const systems = new Map<string, number>()
  root.monitor?.monitors?.forEach((m, i) => {
    const earlier = systems.get(m.system.system)
    if (earlier !== undefined) {
      report(
        ctx,
        at('monitor', 'monitors', i, 'system'),
        ['monitor', 'monitors', i, 'system'],
        'duplicate',
        `${m.system.system} is already monitored by monitor.monitors[${earlier}]`,
      )
    } else systems.set(m.system.system, i)
  })
}

/** A parsed native config with a way back to the source: where a setting is written. */
export type YamlParse = LoadResult<BrokerConfig> & {
  /** Position of the setting at `path` (or of the nearest enclosing one). */
  locate(
    path: readonly PathKey[],
    options?: { key?: boolean },
  ): { file: string; line: number; column: number }
}

/** Parses and validates the text of a native config file (pure apart from `env`). */
export function parseYamlConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): YamlParse {
  // Our own line table: the yaml lexer stops recording line starts inside a broken flow
  // collection, which put later diagnostics on the wrong line (found by test/fuzz).
  const lineCounter = new LineCounter()
  lineCounter.addNewLine(0)
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    lineCounter.addNewLine(i + 1)
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true })
  const ctx: YamlCtx = { file, lineCounter, diagnostics: [], doc }
  const locate = (path: readonly PathKey[], options: { key?: boolean } = {}) => {
    const offset = nodeAt(ctx, path, options)?.range?.[0]
    const pos = offset === undefined ? { line: 1, col: 1 } : lineCounter.linePos(offset)
    return { file, line: pos.line, column: pos.col }
  }
  const fail = (): YamlParse => ({
    ok: false,
    diagnostics: sortDiagnostics(ctx.diagnostics),
    locate,
  })
  for (const [severity, list] of [
    ['error', doc.errors],
    ['warning', doc.warnings],
  ] as const) {
    for (const e of list) {
      const pos = e.linePos?.[0] ?? lineCounter.linePos(e.pos[0])
      const d: ConfigDiagnostic = {
        severity,
        code: 'syntax',
        file,
        line: pos.line,
        column: pos.col,
        message: `YAML: ${firstLine(e.message)}`,
        advice: syntaxAdvice(e.code, ctx),
      }
      ctx.diagnostics.push(d)
    }
  }
  if (doc.errors.length > 0) return fail()
  const data = toPlain(ctx)
  const parsed = rootSchema.safeParse(data, { reportInput: true })
  if (!parsed.success) new IssueMapper(rootSchema, ctx).add(parsed.error.issues)
  if (!parsed.success || hasErrors(ctx.diagnostics)) return fail()
  const root = parsed.data
  crossCheck(root, ctx)
  if (hasErrors(ctx.diagnostics)) return fail()

  const configDir = dirname(resolve(file))
  const config: BrokerConfig = {
    configDir,
    source: { kind: 'yaml', file: resolve(file) },
    devices: (root.devices ?? []).map(mapDevice),
    server: mapServer(root.server, configDir, env),
    users: (root.users ?? []).map(mapUser),
  }
  if (root.monitor !== undefined) config.monitor = mapMonitor(root.monitor)
  if (root.rules !== undefined) {
    config.rules = { files: root.rules.files.map((f) => resolveConfigPath(configDir, f)) }
    if (root.rules.notifyWebhooks !== undefined) {
      config.rules.notifyWebhooks = root.rules.notifyWebhooks
    }
  }
  if (root.driverDefaults !== undefined)
    config.driverDefaults = mapDriverDefaults(root.driverDefaults)
  if (root.integrations !== undefined) config.integrations = root.integrations
  if (root.notify !== undefined) config.notify = root.notify
  if (root.web !== undefined) config.web = mapWeb(root.web, configDir)
  return { ok: true, value: config, diagnostics: sortDiagnostics(ctx.diagnostics), locate }
}

/** Reads and checks a native config file. Never throws. */
export async function loadYamlConfig(
  file: string,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<YamlParse> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    return {
      ok: false,
      diagnostics: [
        {
          severity: 'error',
          code: code === 'ENOENT' ? 'file-missing' : 'file-unreadable',
          file,
          line: 0,
          column: 0,
          message:
            code === 'ENOENT'
              ? 'the file does not exist'
              : `cannot read the file (${code ?? String(error)})`,
          advice: 'check the path and that this user may read it',
        },
      ],
      locate: () => ({ file, line: 0, column: 0 }),
    }
  }
  return parseYamlConfig(text, file, options.env)
}
