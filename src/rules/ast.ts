/**
 * The syntax tree of a rules file. Every node carries its source span (0-based offsets,
 * end exclusive) so the checker and the evaluator can point at it. Parentheses are not
 * kept: the printer puts back the ones precedence needs.
 */
export interface Span {
  start: number
  end: number
}

export type BinaryOp =
  | 'or'
  | 'and'
  | '<'
  | '<='
  | '>'
  | '>='
  | '=='
  | '!='
  /** Text equality without regard to case. */
  | '~='
  | 'has'
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'

export type Expr =
  /** `percent` when written `30%` (the value stays 30: NUT reports percentages as 0-100). */
  | { kind: 'number'; value: number; percent?: true; span: Span }
  | { kind: 'duration'; seconds: number; text: string; span: Span }
  | { kind: 'string'; value: string; span: Span }
  /** A variable; `device` set when written `dev:name`. `comm` is the communication state. */
  | { kind: 'var'; device: string | undefined; name: string; span: Span }
  /** A bare word on the right of `has` (OB, LB, ...). */
  | { kind: 'flag'; name: string; span: Span }
  | { kind: 'unary'; op: 'not' | '-'; operand: Expr; span: Span }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr; span: Span }
  /** Stands in for an expression that could not be parsed, so the tree stays whole. */
  | { kind: 'missing'; span: Span }

/** A word argument of an action: a bare name, a number or a quoted string. */
export interface Word {
  text: string
  quoted: boolean
  span: Span
}

export interface Duration {
  seconds: number
  text: string
  span: Span
}

export interface StringLit {
  value: string
  span: Span
}

export type Action =
  | { kind: 'notify'; text: StringLit; span: Span }
  | { kind: 'log'; text: StringLit; span: Span }
  | { kind: 'exec'; argv: StringLit[]; timeout: Duration | undefined; span: Span }
  | { kind: 'webhook'; url: StringLit; span: Span }
  | {
      kind: 'instcmd'
      device: Word | undefined
      command: Word
      param: Word | undefined
      span: Span
    }
  | { kind: 'set'; device: Word | undefined; variable: Word; value: Word; span: Span }
  | { kind: 'fsd'; device: Word | undefined; span: Span }
  | { kind: 'shutdown'; span: Span }
  | { kind: 'hibernate'; span: Span }
  | { kind: 'start-timer'; name: Word; duration: Duration; span: Span }
  /** `otherwise` runs when no such timer was running (upssched's CANCEL-TIMER cmd). */
  | { kind: 'cancel-timer'; name: Word; otherwise: Action[] | undefined; span: Span }

export type ActionKind = Action['kind']

/** `else [when COND] [for DURATION] { ... }` of a `when` rule. */
export interface ElseClause {
  cond: Expr | undefined
  hold: Duration | undefined
  body: Action[]
  span: Span
}

export interface EventRef {
  device: string | undefined
  name: string
  span: Span
}

export type Rule =
  | {
      kind: 'when'
      cond: Expr
      hold: Duration | undefined
      body: Action[]
      otherwise: ElseClause | undefined
      span: Span
    }
  | { kind: 'on'; events: EventRef[]; body: Action[]; span: Span }
  | { kind: 'timer'; name: Word; body: Action[]; span: Span }
  | { kind: 'device'; name: Word; rules: Rule[]; span: Span }

export interface RulesFile {
  rules: Rule[]
}
