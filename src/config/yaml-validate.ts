/**
 * A small validator over the `yaml` package's syntax tree, so that every mistake in the
 * native config is reported with the line and column of the node at fault, the setting's
 * path (`devices[1].port`) and what would be valid (allowed keys with a did-you-mean).
 * Validators never throw: they report and return undefined.
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
import {
  adviceFor,
  type ConfigDiagnostic,
  type DiagnosticCode,
  type Position,
} from '../protocol/nut-config/index.ts'

export interface Ctx {
  file: string
  lineCounter: LineCounter
  diagnostics: ConfigDiagnostic[]
  /** The document, to resolve aliases (`*name`) to the node they name. */
  doc?: Document
}

/** A child node with aliases resolved; an alias to nothing stays as it is (and is reported). */
export function child(node: unknown, ctx: Ctx): YamlNode | null {
  if (node === null || node === undefined) return null
  if (isAlias(node) && ctx.doc !== undefined) {
    return (node.resolve(ctx.doc) as YamlNode | undefined) ?? (node as YamlNode)
  }
  return node as YamlNode
}

export type Validator<T> = (node: YamlNode | null, path: string, ctx: Ctx) => T | undefined

export function positionOf(node: YamlNode | null | undefined, ctx: Ctx): Position {
  const offset = node?.range?.[0]
  if (offset === undefined) return { line: 1, column: 1 }
  const { line, col } = ctx.lineCounter.linePos(offset)
  return { line, column: col }
}

export function report(
  ctx: Ctx,
  node: YamlNode | null | undefined,
  path: string,
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
  if (path !== '') d.path = path
  if (advice !== undefined) d.advice = advice
  ctx.diagnostics.push(d)
}

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

function typeError(
  node: YamlNode | null,
  path: string,
  ctx: Ctx,
  expected: string,
  advice?: string,
): undefined {
  report(ctx, node, path, 'bad-type', `expected ${expected}, found ${describe(node)}`, advice)
  return undefined
}

const scalarValue = (node: YamlNode | null): unknown => (isScalar(node) ? node.value : undefined)

export const str =
  (options: { nonEmpty?: boolean } = {}): Validator<string> =>
  (node, path, ctx) => {
    const v = scalarValue(node)
    if (typeof v === 'string') {
      if (options.nonEmpty === true && v === '')
        return typeError(node, path, ctx, 'a non-empty text')
      return v
    }
    if (isScalar(node) && (typeof v === 'number' || typeof v === 'boolean')) {
      // `password: 0123` would silently become 123: make people quote it.
      return typeError(node, path, ctx, 'a text', `quote it: "${node.source ?? String(v)}"`)
    }
    return typeError(node, path, ctx, 'a text')
  }

/** Free text where numbers and booleans are fine too (`options:` of a device). */
export const text: Validator<string> = (node, path, ctx) => {
  const v = scalarValue(node)
  if (typeof v === 'string') return v
  if (isScalar(node) && (typeof v === 'number' || typeof v === 'boolean'))
    return node.source ?? String(v)
  return typeError(node, path, ctx, 'a text or a number')
}

export const int =
  (options: { min?: number; max?: number } = {}): Validator<number> =>
  (node, path, ctx) => {
    const v = scalarValue(node)
    const range =
      options.min !== undefined && options.max !== undefined
        ? `an integer from ${options.min} to ${options.max}`
        : options.min !== undefined
          ? `an integer >= ${options.min}`
          : 'an integer'
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) return typeError(node, path, ctx, range)
    if (
      (options.min !== undefined && v < options.min) ||
      (options.max !== undefined && v > options.max)
    ) {
      report(ctx, node, path, 'out-of-range', `${v} is out of range`, `write ${range}`)
      return undefined
    }
    return v
  }

export const bool: Validator<boolean> = (node, path, ctx) => {
  const v = scalarValue(node)
  if (typeof v === 'boolean') return v
  return typeError(node, path, ctx, 'true or false')
}

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** Parses `90`, `1.5s`, `2m`, `1h30m`, `500ms` into milliseconds; undefined when invalid. */
export function parseDuration(textValue: string): number | undefined {
  const trimmed = textValue.trim()
  if (!/^(\d+(\.\d+)?(ms|s|m|h|d))+$/.test(trimmed)) return undefined
  let total = 0
  for (const m of trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)) {
    total += Number(m[1]) * (units[m[2] as string] as number)
  }
  return Math.round(total)
}

/**
 * A duration in milliseconds: a number of seconds or a text with units. With
 * `never`, the word `never` or a negative number gives -1 (NUT's "never").
 */
export const duration =
  (options: { never?: boolean; min?: number } = {}): Validator<number> =>
  (node, path, ctx) => {
    const v = scalarValue(node)
    const advice = `write seconds (15) or a duration with a unit (500ms, 15s, 5m, 1h)${options.never === true ? ', or never' : ''}`
    let ms: number | undefined
    if (typeof v === 'number' && Number.isFinite(v)) ms = Math.round(v * 1000)
    else if (typeof v === 'string') {
      if (options.never === true && v.trim().toLowerCase() === 'never') return -1
      const negative = v.trim().startsWith('-')
      const parsed = parseDuration(negative ? v.trim().slice(1) : v)
      ms = parsed === undefined ? undefined : negative ? -parsed : parsed
    }
    if (ms === undefined) return typeError(node, path, ctx, 'a duration', advice)
    if (ms < 0) {
      if (options.never === true) return -1
      report(ctx, node, path, 'out-of-range', 'a negative duration is not allowed here', advice)
      return undefined
    }
    if (options.min !== undefined && ms < options.min) {
      report(ctx, node, path, 'out-of-range', `must be at least ${options.min} ms`, advice)
      return undefined
    }
    return ms
  }

export const oneOf =
  <T extends string>(
    values: readonly T[],
    options: { caseInsensitive?: boolean } = {},
  ): Validator<T> =>
  (node, path, ctx) => {
    const v = scalarValue(node)
    if (typeof v === 'string') {
      const found = values.find((x) =>
        options.caseInsensitive === true ? x.toLowerCase() === v.toLowerCase() : x === v,
      )
      if (found !== undefined) return found
      report(
        ctx,
        node,
        path,
        'bad-value',
        `'${v}' is not valid`,
        adviceFor(v, values, 'valid values are'),
      )
      return undefined
    }
    return typeError(node, path, ctx, `one of ${values.join(', ')}`)
  }

export const list =
  <T>(item: Validator<T>): Validator<T[]> =>
  (node, path, ctx) => {
    if (node === null || (isScalar(node) && node.value === null)) return []
    if (!isSeq(node))
      return typeError(
        node,
        path,
        ctx,
        'a list',
        'write one item per line, each starting with "- "',
      )
    const out: T[] = []
    let failed = false
    node.items.forEach((entry, i) => {
      const v = item(child(entry, ctx), `${path}[${i}]`, ctx)
      if (v === undefined) failed = true
      else out.push(v)
    })
    return failed ? undefined : out
  }

/** A mapping with free keys (device options, notify flags by type). */
export const record =
  <T>(value: Validator<T>, key?: Validator<string>): Validator<Record<string, T>> =>
  (node, path, ctx) => {
    if (node === null || (isScalar(node) && node.value === null)) return {}
    if (!isMap(node)) return typeError(node, path, ctx, 'a mapping of name: value')
    const out: Record<string, T> = {}
    let failed = false
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null
      const k = isScalar(keyNode) ? String(keyNode.value) : undefined
      if (k === undefined) {
        failed = true
        typeError(keyNode, path, ctx, 'a plain key')
        continue
      }
      const checkedKey = key === undefined ? k : key(keyNode, `${path}.${k}`, ctx)
      const v = value(child(pair.value, ctx), `${path}.${k}`, ctx)
      if (checkedKey === undefined || v === undefined) failed = true
      else out[checkedKey] = v
    }
    return failed ? undefined : out
  }

export interface Field<T, R extends boolean> {
  validate: Validator<T>
  required: R
}
export const required = <T>(validate: Validator<T>): Field<T, true> => ({
  validate,
  required: true,
})
export const optional = <T>(validate: Validator<T>): Field<T, false> => ({
  validate,
  required: false,
})

// biome-ignore lint/suspicious/noExplicitAny: the shape's field types are inferred per key.
type Shape = Record<string, Field<any, boolean>>
type FieldType<F> = F extends Field<infer T, boolean> ? T : never
export type ObjectOf<S extends Shape> = {
  [K in keyof S as S[K] extends Field<unknown, true> ? K : never]: FieldType<S[K]>
} & {
  [K in keyof S as S[K] extends Field<unknown, true> ? never : K]?: FieldType<S[K]>
}

const join = (path: string, key: string): string => (path === '' ? key : `${path}.${key}`)

/**
 * A mapping with the keys of `shape`. With `extensions`, keys starting with `x-` are
 * accepted and ignored: a place for YAML anchors shared by other entries.
 */
export function object<S extends Shape>(
  shape: S,
  options: { extensions?: boolean } = {},
): Validator<ObjectOf<S>> {
  const allowed = Object.keys(shape)
  return (node, path, ctx) => {
    if (node === null || (isScalar(node) && node.value === null)) node = null
    else if (!isMap(node)) {
      return typeError(node, path, ctx, `a mapping with keys ${allowed.join(', ')}`)
    }
    const out: Record<string, unknown> = {}
    const seen = new Set<string>()
    let failed = false
    for (const pair of node?.items ?? []) {
      const keyNode = pair.key as YamlNode | null
      const key = isScalar(keyNode) ? String(keyNode.value) : undefined
      if (options.extensions === true && key?.startsWith('x-') === true) continue
      if (key === undefined || !Object.hasOwn(shape, key)) {
        failed = true
        report(
          ctx,
          keyNode,
          join(path, key ?? '?'),
          'unknown-key',
          `unknown setting '${key ?? describe(keyNode)}'${path === '' ? '' : ` in ${path}`}`,
          adviceFor(key ?? '', allowed, 'allowed keys are'),
        )
        continue
      }
      seen.add(key)
      const field = shape[key] as Field<unknown, boolean>
      const v = field.validate(child(pair.value, ctx), join(path, key), ctx)
      if (v === undefined) failed = true
      else out[key] = v
    }
    for (const [key, field] of Object.entries(shape)) {
      if (field.required && !seen.has(key)) {
        failed = true
        report(
          ctx,
          node,
          join(path, key),
          'missing-setting',
          `'${key}' is required${path === '' ? '' : ` in ${path}`}`,
          `add ${key}: ...`,
        )
      }
    }
    return failed ? undefined : (out as ObjectOf<S>)
  }
}

/** Either of two validators, chosen by the node's kind (text vs list vs mapping). */
export function byKind<A, B>(
  forScalar: Validator<A>,
  forCollection: Validator<B>,
): Validator<A | B> {
  return (node, path, ctx) =>
    isMap(node) || isSeq(node) ? forCollection(node, path, ctx) : forScalar(node, path, ctx)
}
