/**
 * The syntax tree of a powerman.conf or `.dev` file. One grammar serves both (powerman's
 * own parser has one too). Every node carries its span: 0-based offsets into the text of
 * the file it came from, end exclusive. Nodes read from an `include`d file live under that
 * include node, whose `file` names the text their spans point into.
 */
export interface Span {
  start: number
  end: number
}

/** A string literal with its escapes already applied. */
export interface Str {
  value: string
  span: Span
}

/** A number as written (`5`, `4.`, `.5`, `1.0`), and its value. */
export interface Num {
  text: string
  value: number
  span: Span
}

/**
 * `$N`, a capture group of the last expect. `text` is the number as written; `index` is
 * what powermand makes of it (C's strtol with base 0: `$010` is group 8, `$1.5` group 1).
 */
export interface Capture {
  text: string
  index: number
  span: Span
}

export type ScriptName =
  | 'login'
  | 'logout'
  | 'ping'
  | 'status'
  | 'status_all'
  | 'status_temp'
  | 'status_temp_all'
  | 'status_beacon'
  | 'status_beacon_all'
  | 'beacon_on'
  | 'beacon_on_ranged'
  | 'beacon_off'
  | 'beacon_off_ranged'
  | 'on'
  | 'on_ranged'
  | 'on_all'
  | 'off'
  | 'off_ranged'
  | 'off_all'
  | 'cycle'
  | 'cycle_ranged'
  | 'cycle_all'
  | 'reset'
  | 'reset_ranged'
  | 'reset_all'

/** `on="regex"` or `off="regex"` after a setplugstate. */
export interface Interpretation {
  state: 'on' | 'off'
  regex: Str
  span: Span
}

/** Which plug a setplugstate is about: a literal name, a capture, or the current target. */
export type PlugRef =
  | { kind: 'literal'; name: Str }
  | { kind: 'capture'; capture: Capture }
  | { kind: 'target' }

export type Stmt =
  | { kind: 'expect'; regex: Str; span: Span }
  | { kind: 'send'; format: Str; span: Span }
  | { kind: 'delay'; seconds: Num; span: Span }
  | {
      kind: 'setplugstate'
      plug: PlugRef
      value: Capture
      interpretations: Interpretation[]
      span: Span
    }
  /** powerman 2.4.1+: a plug's result, success when the value matches a `success=` regex. */
  | { kind: 'setresult'; plug: Capture; value: Capture; success: Str[]; span: Span }
  | { kind: 'foreachplug' | 'foreachnode' | 'ifon' | 'ifoff'; body: Stmt[]; span: Span }
  | Include<Stmt>

/**
 * `include "path"`. powerman splices the file's tokens in where the include stands;
 * nutshell reads the file as a run of whatever may stand there (items, specification
 * items or statements). `file` is the name the reader gave it; `items` is empty and
 * `file` undefined when no reader was given or the file could not be read.
 */
export interface Include<T> {
  kind: 'include'
  path: Str
  file: string | undefined
  items: T[]
  span: Span
}

export type SpecItem =
  | { kind: 'timeout'; seconds: Num; span: Span }
  | { kind: 'pingperiod'; seconds: Num; span: Span }
  | { kind: 'plugs'; names: Str[]; span: Span }
  | { kind: 'script'; name: ScriptName; nameSpan: Span; body: Stmt[]; span: Span }
  | Include<SpecItem>

export type Item =
  | { kind: 'listen'; address: Str; span: Span }
  /** `tcpwrappers` alone means yes (powermand warns about it). */
  | { kind: 'tcpwrappers'; value: 'yes' | 'no' | undefined; span: Span }
  | { kind: 'plug_log_level'; level: Str; span: Span }
  | { kind: 'alias'; name: Str; hosts: Str; span: Span }
  | { kind: 'device'; name: Str; spec: Str; where: Str; flags: Str | undefined; span: Span }
  | { kind: 'node'; nodes: Str; device: Str; plugs: Str | undefined; span: Span }
  | { kind: 'specification'; name: Str; items: SpecItem[]; span: Span }
  | Include<Item>

export interface PowermanFile {
  items: Item[]
}
