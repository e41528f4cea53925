import type { Expr } from './ast.ts'

/**
 * A rule that reads a variable only as `VAR has FLAG` cannot change its mind when a change
 * of VAR neither adds nor removes one of its flags: ups.status going from `OB DISCHRG` to
 * `OB DISCHRG LB` need not wake the 300 rules that only ask about OB. The evaluator uses
 * these to skip them.
 */
/** Which flags of a has-only variable changed between two values (computed lazily). */
export class FlagDiff {
  private readonly before: Set<string>
  private readonly after: Set<string>

  constructor(before: string | undefined, after: string | undefined) {
    this.before = words(before)
    this.after = words(after)
  }

  anyChanged(flags: Set<string>): boolean {
    for (const flag of flags) if (this.before.has(flag) !== this.after.has(flag)) return true
    return false
  }
}

function words(value: string | undefined): Set<string> {
  const set = new Set<string>()
  if (value === undefined) return set
  for (const w of value.split(/\s+/)) if (w !== '') set.add(w.toUpperCase())
  return set
}

/** Unqualified variables read only as `VAR has FLAG` (a flag word or a string). */
export function hasOnlyReads(exprs: Array<Expr | undefined>): Map<string, Set<string>> {
  const flags = new Map<string, Set<string> | null>()
  const walk = (e: Expr): void => {
    switch (e.kind) {
      case 'var':
        if (e.device === undefined) flags.set(e.name.toLowerCase(), null)
        return
      case 'unary':
        walk(e.operand)
        return
      case 'binary': {
        const right = e.right
        if (
          e.op === 'has' &&
          e.left.kind === 'var' &&
          e.left.device === undefined &&
          (right.kind === 'flag' || right.kind === 'string')
        ) {
          const name = e.left.name.toLowerCase()
          const known = flags.get(name)
          if (known === null) return
          const set = known ?? new Set<string>()
          set.add((right.kind === 'flag' ? right.name : right.value).toUpperCase())
          flags.set(name, set)
          return
        }
        walk(e.left)
        walk(right)
        return
      }
      default:
        return
    }
  }
  for (const e of exprs) if (e !== undefined) walk(e)
  const out = new Map<string, Set<string>>()
  for (const [name, set] of flags)
    if (set !== null && set !== undefined && !set.has('') && ![...set].some((f) => /\s/.test(f)))
      out.set(name, interned(set))
  return out
}

/**
 * Rules asking about the same flags share one Set, so the evaluator can test a change
 * against it once for all of them (hundreds of rules ask `ups.status has OB`).
 */
const internedSets = new Map<string, Set<string>>()
function interned(set: Set<string>): Set<string> {
  const key = [...set].sort().join(' ')
  let shared = internedSets.get(key)
  if (shared === undefined) {
    shared = set
    internedSets.set(key, shared)
  }
  return shared
}
