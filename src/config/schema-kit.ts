/**
 * The building blocks the native config schema (yaml-schema.ts) is written with, on zod.
 * Each block validates, converts (durations to milliseconds, commands to a spec) and
 * keeps enough for JSON Schema (patterns, enums) so an editor can check the file too.
 *
 * A message given here may carry advice after a newline ("what is wrong\nhow to fix it");
 * yaml-issues.ts splits the two. `hints` tells yaml-issues.ts what a compound value is
 * ("a duration") when it has the wrong type altogether.
 */
import { z } from 'zod'
import type { DiagnosticCode } from '../protocol/nut-config/index.ts'
import { adviceFor } from '../protocol/nut-config/index.ts'
import { parseDuration } from './duration.ts'

export interface Hint {
  /** What a value here must be, for "expected ..., found ..." messages. */
  expected: string
  advice?: string
}
export const hints = z.registry<Hint>()

/**
 * A message that names its diagnostic code (`bad-type::expected ...`), for the issues whose
 * kind alone does not say it; yaml-issues.ts reads the code back.
 */
export const coded = (code: DiagnosticCode, message: string): string => `${code}::${message}`
const issue = (code: DiagnosticCode, message: string): { message: string } => ({
  message: coded(code, message),
})

/** A text; `nonEmpty` refuses `""`. Numbers are refused (yaml-issues.ts says to quote them). */
export const text = (options: { nonEmpty?: boolean } = {}) =>
  options.nonEmpty === true ? z.string().min(1, { error: 'expected a non-empty text' }) : z.string()

/** Free text where numbers and booleans are fine too (`options:` of a device). */
export const looseText = z
  .union([z.string(), z.number(), z.boolean()])
  .transform((v) => String(v))
  .register(hints, { expected: 'a text or a number' })

export const int = (options: { min?: number; max?: number } = {}) => {
  const range =
    options.min !== undefined && options.max !== undefined
      ? `an integer from ${options.min} to ${options.max}`
      : options.min !== undefined
        ? `an integer >= ${options.min}`
        : 'an integer'
  const outOfRange = (iss: { input?: unknown }) =>
    `${String(iss.input)} is out of range\nwrite ${range}`
  let schema = z.int({
    error: (iss) =>
      iss.code === 'too_big' || iss.code === 'too_small' ? outOfRange(iss) : undefined,
  })
  if (options.min !== undefined) schema = schema.min(options.min, { error: outOfRange })
  if (options.max !== undefined) schema = schema.max(options.max, { error: outOfRange })
  return schema.register(hints, { expected: range })
}

export const bool = z.boolean().register(hints, { expected: 'true or false' })

/** One of fixed words, in any case when `caseInsensitive`; the result is spelt as listed. */
export function oneOf<const T extends string>(
  values: readonly T[],
  options: { caseInsensitive?: boolean } = {},
) {
  const error = (iss: { input?: unknown }) =>
    `'${String(iss.input)}' is not valid\n${adviceFor(String(iss.input), values, 'valid values are')}`
  if (options.caseInsensitive !== true) {
    return z.enum(values as unknown as [T, ...T[]], { error }).register(hints, {
      expected: `one of ${values.join(', ')}`,
    })
  }
  // A pattern, not a lower-casing transform, so JSON Schema still lists what is valid.
  const anyCase = (v: string) =>
    v.replace(/[a-z]/gi, (c) => `[${c.toLowerCase()}${c.toUpperCase()}]`)
  return z
    .string()
    .regex(new RegExp(`^(?:${values.map(anyCase).join('|')})$`), { error })
    .transform((v) => values.find((x) => x.toLowerCase() === v.toLowerCase()) as T)
    .register(hints, { expected: `one of ${values.join(', ')}` })
}

/** A list; an empty entry (`devices:` with nothing under it) is an empty list. */
export const list = <T extends z.ZodType>(item: T) =>
  z
    .array(item)
    .nullable()
    .transform((v) => v ?? [])
    .register(hints, {
      expected: 'a list',
      advice: 'write one item per line, each starting with "- "',
    })

/** A section of settings; an empty one (`monitor:` alone) is a section with every default. */
export const section = <S extends z.ZodRawShape>(shape: S) =>
  z
    .strictObject(shape)
    .nullable()
    .transform((v) => v ?? ({} as z.output<z.ZodObject<S>>))

/** A mapping with free keys (device options, notify flags by type). */
export const mapOf = <K extends z.ZodType<string, string>, V extends z.ZodType>(key: K, value: V) =>
  z
    .record(key, value)
    .nullable()
    .transform((v) => (v ?? {}) as Record<z.output<K>, z.output<V>>)
    .register(hints, { expected: 'a mapping of name: value' })

const durationPattern = /^-?(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/
const durationAdvice = (never: boolean) =>
  `write seconds (15) or a duration with a unit (500ms, 15s, 5m, 1h)${never ? ', or never' : ''}`

/**
 * A duration in milliseconds: a number of seconds or a text with units. With `never`, the
 * word `never` or a negative value gives -1 (NUT's "never").
 */
export function duration(options: { never?: boolean; min?: number } = {}) {
  const never = options.never === true
  const advice = durationAdvice(never)
  const pattern = never
    ? new RegExp(`${durationPattern.source}|^[Nn][Ee][Vv][Ee][Rr]$`)
    : durationPattern
  return z
    .union([
      z.number(),
      z.string().regex(pattern, {
        error: (iss) =>
          issue(
            'bad-type',
            `expected a duration, found the text '${String(iss.input)}'\n${advice}`,
          ),
      }),
    ])
    .transform((v, ctx) => {
      let ms: number
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) {
          ctx.addIssue({
            code: 'custom',
            input: v,
            ...issue('bad-type', `expected a duration, found ${v}\n${advice}`),
          })
          return z.NEVER
        }
        ms = Math.round(v * 1000)
      } else if (v.toLowerCase() === 'never') return -1
      else {
        const negative = v.startsWith('-')
        const parsed = parseDuration(negative ? v.slice(1) : v) as number
        ms = negative ? -parsed : parsed
      }
      if (ms < 0) {
        if (never) return -1
        ctx.addIssue({
          code: 'custom',
          input: v,
          ...issue('out-of-range', `a negative duration is not allowed here\n${advice}`),
        })
        return z.NEVER
      }
      if (options.min !== undefined && ms < options.min) {
        ctx.addIssue({
          code: 'custom',
          input: v,
          ...issue('out-of-range', `must be at least ${options.min} ms\n${advice}`),
        })
        return z.NEVER
      }
      return ms
    })
    .register(hints, { expected: 'a duration', advice })
}

/** A text checked by `check`, which returns the reason it is refused (message\nadvice). */
export const checkedText = (check: (v: string) => string | undefined, nonEmpty = true) =>
  text({ nonEmpty }).superRefine((value, ctx) => {
    const reason = check(value)
    if (reason !== undefined)
      ctx.addIssue({ code: 'custom', input: value, ...issue('bad-value', reason) })
  })
