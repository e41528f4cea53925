/**
 * Between the `yaml` document and zod: the document as plain data (aliases resolved, `x-`
 * keys dropped), and zod's issues turned back into diagnostics at the file:line:col of the
 * node at fault, with the setting's path (`devices[1].port`) and what would be valid (the
 * allowed keys with a did-you-mean, NUT's own spellings, a hint about indentation).
 */
import {
  type Document,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type LineCounter,
  type Node as YamlNode,
} from 'yaml'
import type { z } from 'zod'
import { suggest } from '../protocol/did-you-mean.ts'
import {
  adviceFor,
  type ConfigDiagnostic,
  type DiagnosticCode,
  type Position,
} from '../protocol/nut-config/index.ts'
import { hints } from './schema-kit.ts'
import { nutSpellings, plannedSections } from './yaml-schema.ts'

export type PathKey = string | number

export interface YamlCtx {
  file: string
  lineCounter: LineCounter
  doc: Document
  diagnostics: ConfigDiagnostic[]
  /** Whether the indentation hint was given already (it is given once a file). */
  indentHinted?: boolean
}

export function pathText(path: readonly PathKey[]): string {
  let out = ''
  for (const k of path) out += typeof k === 'number' ? `[${k}]` : out === '' ? k : `.${k}`
  return out
}

export function positionOf(node: YamlNode | null | undefined, ctx: YamlCtx): Position {
  const offset = node?.range?.[0]
  if (offset === undefined) return { line: 1, column: 1 }
  const { line, col } = ctx.lineCounter.linePos(offset)
  return { line, column: col }
}

export function report(
  ctx: YamlCtx,
  node: YamlNode | null | undefined,
  path: readonly PathKey[],
  code: DiagnosticCode,
  message: string,
  advice?: string,
  severity: ConfigDiagnostic['severity'] = 'error',
): void {
  const at = positionOf(node, ctx)
  const d: ConfigDiagnostic = {
    severity,
    code,
    file: ctx.file,
    line: at.line,
    column: at.column,
    message,
  }
  if (path.length > 0) d.path = pathText(path)
  if (advice !== undefined) d.advice = advice
  ctx.diagnostics.push(d)
}

function resolve(node: unknown, ctx: YamlCtx): YamlNode | null {
  if (node === null || node === undefined) return null
  if (isAlias(node)) return (node.resolve(ctx.doc) as YamlNode | undefined) ?? null
  return node as YamlNode
}

/**
 * The node at `path`, or the deepest one on the way (the mapping a missing key belongs
 * in). An entry written as an alias (`- *admin`) is found where the alias stands; `key`
 * gives a mapping entry's key rather than its value.
 */
export function nodeAt(
  ctx: YamlCtx,
  path: readonly PathKey[],
  options: { key?: boolean } = {},
): YamlNode | null {
  let node = ctx.doc.contents as YamlNode | null
  for (let i = 0; i < path.length; i++) {
    // What an alias brings in is reported where the alias stands, in this entry.
    if (isAlias(node) && i > 0) return node
    const here = resolve(node, ctx)
    const step = path[i]
    let next: unknown
    let keyNode: unknown
    if (isMap(here)) {
      const pair = here.items.find((p) => isScalar(p.key) && String(p.key.value) === String(step))
      next = pair?.value
      keyNode = pair?.key
    } else if (isSeq(here) && typeof step === 'number') next = here.items[step]
    if (next === undefined && keyNode === undefined) return here ?? node
    if (options.key === true && i === path.length - 1 && keyNode !== undefined) {
      return keyNode as YamlNode
    }
    node = (next ?? keyNode ?? null) as YamlNode | null
    if (node === null) return (keyNode as YamlNode | undefined) ?? here
  }
  return node
}

/** The source text of non-text scalars under these keys is kept as written (`1.50`). */
const asWritten = (path: readonly PathKey[]): boolean =>
  path.length === 4 && path[0] === 'devices' && path[2] === 'options'

/**
 * The document as plain data for zod. Aliases are expanded (with a bound, against alias
 * bombs), top-level `x-` keys dropped, keys that are not plain texts reported.
 */
export function toPlain(ctx: YamlCtx): unknown {
  let expansions = 0
  const walk = (raw: unknown, path: PathKey[], stack: Set<unknown>): unknown => {
    let node = raw
    if (isAlias(node)) {
      expansions++
      if (expansions > 10_000) {
        report(ctx, node, path, 'bad-value', 'too many aliases expanded', 'use fewer aliases')
        return null
      }
      node = node.resolve(ctx.doc)
    }
    if (node === null || node === undefined) return null
    if (stack.has(node)) {
      report(ctx, raw as YamlNode, path, 'bad-value', 'this alias refers to itself')
      return null
    }
    if (isScalar(node)) {
      const v = node.value
      if (asWritten(path) && (typeof v === 'number' || typeof v === 'boolean')) {
        return node.source ?? String(v)
      }
      return v
    }
    stack.add(node)
    try {
      if (isSeq(node)) return node.items.map((item, i) => walk(item, [...path, i], stack))
      if (isMap(node)) {
        const out: Record<string, unknown> = {}
        for (const pair of node.items) {
          const keyNode = pair.key as YamlNode | null
          if (!isScalar(keyNode) || keyNode.value === null || typeof keyNode.value === 'object') {
            report(ctx, keyNode, path, 'bad-type', 'expected a plain key', 'write key: value')
            continue
          }
          const key = String(keyNode.value)
          if (path.length === 0 && key.startsWith('x-')) continue
          out[key] = walk(pair.value, [...path, key], stack)
        }
        return out
      }
      return null
    } finally {
      stack.delete(node)
    }
  }
  return walk(ctx.doc.contents, [], new Set())
}

// ---- the schema, walked by path (for allowed keys and what a value should be) ----

interface Def {
  type: string
  innerType?: z.ZodType
  in?: z.ZodType
  out?: z.ZodType
  options?: z.ZodType[]
  shape?: Record<string, z.ZodType>
  element?: z.ZodType
  valueType?: z.ZodType
}
const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def

/** The schema itself and every schema it wraps (optional, nullable, pipes...). */
function layers(schema: z.ZodType): z.ZodType[] {
  const out: z.ZodType[] = []
  const queue = [schema]
  while (queue.length > 0) {
    const s = queue.shift() as z.ZodType
    out.push(s)
    const d = defOf(s)
    if (d.innerType !== undefined) queue.push(d.innerType)
    if (d.type === 'pipe' && d.in !== undefined) queue.push(d.in)
    if (d.type === 'union') queue.push(...(d.options ?? []))
  }
  return out
}

function childSchemas(schema: z.ZodType, key: PathKey): z.ZodType[] {
  const out: z.ZodType[] = []
  for (const s of layers(schema)) {
    const d = defOf(s)
    if (d.type === 'object' && typeof key === 'string' && d.shape?.[key] !== undefined) {
      out.push(d.shape[key])
    } else if (d.type === 'array' && typeof key === 'number' && d.element !== undefined) {
      out.push(d.element)
    } else if (d.type === 'record' && d.valueType !== undefined) out.push(d.valueType)
  }
  return out
}

export function schemasAt(root: z.ZodType, path: readonly PathKey[]): z.ZodType[] {
  let here = [root]
  for (const key of path) here = here.flatMap((s) => childSchemas(s, key))
  return here
}

function shapeKeys(schemas: readonly z.ZodType[]): string[] | undefined {
  for (const s of schemas.flatMap(layers)) {
    const d = defOf(s)
    if (d.type === 'object' && d.shape !== undefined) return Object.keys(d.shape)
  }
  return undefined
}

function hintAt(schemas: readonly z.ZodType[]) {
  for (const s of schemas.flatMap(layers)) {
    const h = hints.get(s)
    if (h !== undefined) return h
  }
  return undefined
}

/** Where each key of the schema is a setting (`driver` → `devices[]`), for misplaced keys. */
function keyHomes(root: z.ZodType): Map<string, string> {
  const homes = new Map<string, string>()
  const visit = (s: z.ZodType, where: string, depth: number): void => {
    if (depth > 8) return
    for (const layer of layers(s)) {
      const d = defOf(layer)
      if (d.type === 'object' && d.shape !== undefined) {
        for (const [k, v] of Object.entries(d.shape)) {
          const at = where === '' ? k : `${where}.${k}`
          if (!homes.has(k)) homes.set(k, where === '' ? 'the top level' : where)
          visit(v, at, depth + 1)
        }
      } else if (d.type === 'array' && d.element !== undefined) {
        visit(d.element, `${where}[]`, depth + 1)
      }
    }
  }
  visit(root, '', 0)
  return homes
}

// ---- issues to diagnostics ----

function describe(node: YamlNode | null): string {
  if (node === null) return 'nothing'
  if (isMap(node)) return 'a mapping'
  if (isSeq(node)) return 'a list'
  if (isScalar(node)) {
    const v = node.value
    if (v === null) return 'nothing'
    if (typeof v === 'string') return `the text '${v}'`
    return `${typeof v} ${node.source ?? String(v)}`
  }
  return 'something else'
}

function splitMessage(message: string): {
  code?: DiagnosticCode
  message: string
  advice?: string
} {
  const m = /^([a-z-]+)::/.exec(message)
  const rest = m === null ? message : message.slice(m[0].length)
  const nl = rest.indexOf('\n')
  const out: { code?: DiagnosticCode; message: string; advice?: string } = {
    message: nl < 0 ? rest : rest.slice(0, nl),
  }
  if (nl >= 0) out.advice = rest.slice(nl + 1)
  if (m !== null) out.code = m[1] as DiagnosticCode
  return out
}

type Issue = z.core.$ZodIssue

const expectedWords: Record<string, string> = {
  string: 'a text',
  number: 'a number',
  int: 'an integer',
  boolean: 'true or false',
  array: 'a list',
  record: 'a mapping of name: value',
}

export class IssueMapper {
  private readonly homes: Map<string, string>
  private readonly root: z.ZodType
  private readonly ctx: YamlCtx
  constructor(root: z.ZodType, ctx: YamlCtx) {
    this.root = root
    this.ctx = ctx
    this.homes = keyHomes(root)
  }

  add(issues: readonly Issue[], prefix: readonly PathKey[] = []): void {
    // zod may still run a check (a minimum length) on a value of the wrong type: the type
    // error says it all.
    const wrongType = new Set(
      issues.filter((i) => i.code === 'invalid_type').map((i) => JSON.stringify(i.path)),
    )
    for (const issue of issues) {
      if (issue.code !== 'invalid_type' && wrongType.has(JSON.stringify(issue.path))) continue
      this.one(issue, [...prefix, ...(issue.path as PathKey[])])
    }
  }

  private typeError(path: readonly PathKey[], expected?: string): void {
    const schemas = schemasAt(this.root, path)
    const node = nodeAt(this.ctx, path)
    const hint = hintAt(schemas)
    const keys = shapeKeys(schemas)
    const what =
      hint?.expected ??
      (keys !== undefined
        ? `a mapping with keys ${keys.join(', ')}`
        : (expectedWords[expected ?? ''] ?? `a value of type ${expected ?? '?'}`))
    let advice = hint?.advice
    if (
      expected === 'string' &&
      isScalar(node) &&
      (typeof node.value === 'number' || typeof node.value === 'boolean')
    ) {
      // `password: 0123` would silently become 123: make people quote it.
      advice = `quote it: "${node.source ?? String(node.value)}"`
    }
    report(this.ctx, node, path, 'bad-type', `expected ${what}, found ${describe(node)}`, advice)
  }

  private one(issue: Issue, path: PathKey[]): void {
    const ctx = this.ctx
    switch (issue.code) {
      case 'invalid_union': {
        // Keep the branches that fit the kind of value written (a text, a list...).
        const fitting = issue.errors.filter(
          (branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0),
        )
        if (fitting.length > 0) this.add(fitting[0] as Issue[], path)
        else this.typeError(path)
        return
      }
      case 'invalid_type': {
        const parentKeys = shapeKeys(schemasAt(this.root, path.slice(0, -1)))
        const key = path[path.length - 1]
        if (issue.input === undefined && typeof key === 'string' && parentKeys?.includes(key)) {
          const where = path.length > 1 ? ` in ${pathText(path.slice(0, -1))}` : ''
          report(
            ctx,
            nodeAt(ctx, path.slice(0, -1)),
            path,
            'missing-setting',
            `'${key}' is required${where}`,
            `add ${key}: ...`,
          )
          return
        }
        this.typeError(path, issue.expected)
        return
      }
      case 'unrecognized_keys':
        for (const key of issue.keys) this.unknownKey(path, key)
        return
      case 'invalid_key': {
        const inner = splitMessage(issue.issues[0]?.message ?? 'invalid key')
        report(
          ctx,
          nodeAt(ctx, path, { key: true }),
          path,
          'bad-value',
          inner.message,
          inner.advice,
        )
        return
      }
      case 'too_small':
        if (issue.origin === 'string') {
          const node = nodeAt(ctx, path)
          report(ctx, node, path, 'bad-type', `expected a non-empty text, found ${describe(node)}`)
          return
        }
        break
      default:
        break
    }
    const m = splitMessage(issue.message)
    const code: DiagnosticCode =
      m.code ??
      (issue.code === 'too_small' || issue.code === 'too_big' ? 'out-of-range' : 'bad-value')
    report(ctx, nodeAt(ctx, path), path, code, m.message, m.advice)
  }

  private unknownKey(parent: readonly PathKey[], key: string): void {
    const ctx = this.ctx
    const path = [...parent, key]
    const node = nodeAt(ctx, path, { key: true })
    if (parent.length === 0 && Object.hasOwn(plannedSections, key)) {
      const m = splitMessage(plannedSections[key] as string)
      report(ctx, node, path, 'unsupported', m.message, m.advice)
      return
    }
    const allowed = shapeKeys(schemasAt(this.root, parent)) ?? []
    const where = parent.length === 0 ? '' : ` in ${pathText(parent)}`
    const message = `unknown setting '${key}'${where}`
    const nut = nutSpellings[key.toLowerCase()]
    if (nut !== undefined && nut !== key && allowed.includes(nut)) {
      // As NUT spells it: SHUTDOWNCMD, desc; a camel-cased shutdownCmd names SHUTDOWNCMD.
      const asNut = key === key.toLowerCase() || key === key.toUpperCase() ? key : key.toUpperCase()
      report(
        ctx,
        node,
        path,
        'unknown-key',
        message,
        `did you mean '${nut}'? NUT's ${asNut} is written ${nut} here`,
      )
      return
    }
    const home = this.homes.get(key)
    if (suggest(key, allowed) === undefined && home !== undefined && ctx.indentHinted !== true) {
      ctx.indentHinted = true
      report(
        ctx,
        node,
        path,
        'unknown-key',
        message,
        `'${key}' is a setting of ${home}: check the indentation of this line (YAML nests by indentation, with spaces)`,
      )
      return
    }
    report(ctx, node, path, 'unknown-key', message, adviceFor(key, allowed, 'allowed keys are'))
  }
}
