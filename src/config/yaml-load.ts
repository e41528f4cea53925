/**
 * The native config: one YAML file (`nutshell serve --config FILE`) holding devices,
 * server, users, monitor, rules, driver defaults and integrations. Parsed with source
 * positions kept, validated by yaml-schema.ts, mapped onto BrokerConfig. Never throws.
 */
import { readFile } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from 'yaml'
import { type ConfigDiagnostic, hasErrors } from '../protocol/nut-config/index.ts'
import { type LoadResult, resolveConfigPath } from './from-nut.ts'
import type { BrokerConfig } from './types.ts'
import {
  mapDevice,
  mapDriverDefaults,
  mapMonitor,
  mapServer,
  mapUser,
  type Parsed,
} from './yaml-map.ts'
import { rootSchema } from './yaml-schema.ts'
import { type Ctx, child, report } from './yaml-validate.ts'

type Root = Parsed<typeof rootSchema>

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '')
}

function crossCheck(root: Root, contents: YamlNode | null, ctx: Ctx): void {
  const itemNode = (key: string, i: number, field: string): YamlNode | null => {
    if (!isMap(contents)) return null
    const seq = contents.get(key, true)
    if (!isSeq(seq)) return null
    // An entry written as an alias (`- *admin`) is reported where the alias stands.
    const entry = seq.items[i] as YamlNode | undefined
    const item = child(entry, ctx)
    if (entry !== undefined && entry !== item) return entry
    return isMap(item) ? ((item.get(field, true) as YamlNode | undefined) ?? item) : null
  }
  const devices = new Map<string, number>()
  root.devices?.forEach((d, i) => {
    const earlier = devices.get(d.name.toLowerCase())
    if (earlier !== undefined) {
      report(
        ctx,
        itemNode('devices', i, 'name'),
        `devices[${i}].name`,
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
        itemNode('users', i, 'name'),
        `users[${i}].name`,
        'duplicate',
        `user '${u.name}' is already defined by users[${earlier}]`,
        'give each user one entry',
      )
    } else users.set(u.name, i)
    if (u.password === undefined) {
      report(
        ctx,
        itemNode('users', i, 'name'),
        `users[${i}]`,
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
      const node = isMap(contents)
        ? (contents.getIn(['monitor', 'monitors'], true) as YamlNode | null)
        : null
      report(
        ctx,
        node,
        'monitor.monitors',
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
      const node = isMap(contents)
        ? (contents.getIn(['monitor', 'monitors', i, 'system'], true) as YamlNode | null)
        : null
      report(
        ctx,
        node,
        `monitor.monitors[${i}].system`,
        'duplicate',
        `${m.system.system} is already monitored by monitor.monitors[${earlier}]`,
      )
    } else systems.set(m.system.system, i)
  })
}

/** Parses and validates the text of a native config file (pure apart from `env`). */
export function parseYamlConfig(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv = process.env,
): LoadResult<BrokerConfig> {
  // Our own line table: the yaml lexer stops recording line starts inside a broken flow
  // collection, which put later diagnostics on the wrong line (found by test/fuzz).
  const lineCounter = new LineCounter()
  lineCounter.addNewLine(0)
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    lineCounter.addNewLine(i + 1)
  }
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true })
  const ctx: Ctx = { file, lineCounter, diagnostics: [], doc }
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
      }
      if (e.code === 'DUPLICATE_KEY') d.advice = 'each key may appear once in a mapping'
      else if (e.code === 'TAB_AS_INDENT') d.advice = 'indent with spaces, not tabs'
      else d.advice = 'fix the YAML syntax at this position'
      ctx.diagnostics.push(d)
    }
  }
  if (doc.errors.length > 0) return { ok: false, diagnostics: ctx.diagnostics }
  const contents = child(doc.contents, ctx)
  const root = rootSchema(contents, '', ctx)
  if (root !== undefined) crossCheck(root, contents, ctx)
  if (root === undefined || hasErrors(ctx.diagnostics))
    return { ok: false, diagnostics: ctx.diagnostics }

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
  return { ok: true, value: config, diagnostics: ctx.diagnostics }
}

/** Reads and checks a native config file. Never throws. */
export async function loadYamlConfig(
  file: string,
  options: { env?: NodeJS.ProcessEnv } = {},
): Promise<LoadResult<BrokerConfig>> {
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
    }
  }
  return parseYamlConfig(text, file, options.env)
}
