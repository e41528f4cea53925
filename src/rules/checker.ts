import { isNotifyEvent, notifyEventNames } from '../devices/notify-events.ts'
import { suggest } from '../protocol/did-you-mean.ts'
import type { Action, Rule, RulesFile, Span, StringLit, Word } from './ast.ts'
import { type CheckOptions, did, ExpressionChecker } from './check-expr.ts'
import type { Diagnostic } from './diagnostics.ts'
import { isStandardCommand, standardCommands } from './standard-names.ts'
import { parseTemplate } from './template.ts'

export { statusFlags } from './check-expr.ts'
/**
 * The checker: meaning, after syntax. Resolves names (variables against NUT's standard
 * names and what the devices report, events, status flags, commands, timers) with "did
 * you mean", and types conditions. A misspelling close to a known name is an error; a
 * name nobody knows is a warning (a device may report non-standard variables).
 */
export type { CheckOptions }

interface TimerUse {
  name: string
  span: Span
}

export function checkRules(file: RulesFile, options: CheckOptions = {}): Diagnostic[] {
  return new Checker(options).check(file)
}

class Checker extends ExpressionChecker {
  private readonly started: TimerUse[] = []
  private readonly cancelled: TimerUse[] = []
  private readonly handled: TimerUse[] = []

  check(file: RulesFile): Diagnostic[] {
    for (const rule of file.rules) this.rule(rule, undefined)
    const startedNames = new Set(this.started.map((t) => t.name))
    const handledNames = new Set(this.handled.map((t) => t.name))
    for (const t of this.started)
      if (
        t.name !== '' &&
        !handledNames.has(t.name) &&
        this.started.find((s) => s.name === t.name) === t
      )
        this.warn(
          'RULE2005',
          t.span,
          `Timer '${t.name}' is started but no 'on timer ${t.name}' rule handles it.${did(suggest(t.name, handledNames))}`,
          'Add: on timer NAME { ... }, or remove the timer.',
        )
    for (const t of [...this.handled, ...this.cancelled])
      if (t.name !== '' && !startedNames.has(t.name))
        this.warn(
          'RULE2006',
          t.span,
          `Timer '${t.name}' is never started.${did(suggest(t.name, startedNames))}`,
          'Start it in a rule: start timer NAME 5m.',
        )
    return this.out.sort((a, b) => a.span.start - b.span.start)
  }

  private rule(rule: Rule, device: string | undefined): void {
    switch (rule.kind) {
      case 'when':
        this.condition(rule.cond)
        this.hold(rule.hold)
        this.block(rule.body, keyword(rule.span, 4), true)
        if (rule.otherwise !== undefined) {
          if (rule.otherwise.cond !== undefined) this.condition(rule.otherwise.cond)
          this.hold(rule.otherwise.hold)
          // An empty `else when` block is the way to say "re-arm only when ...": no warning.
          this.block(
            rule.otherwise.body,
            keyword(rule.otherwise.span, 4),
            rule.otherwise.cond === undefined,
          )
        }
        return
      case 'on':
        for (const event of rule.events) {
          if (event.device !== undefined) this.device(event.device, event.span)
          if (!isNotifyEvent(event.name)) {
            const guess = suggest(event.name, notifyEventNames)
            this.error(
              'RULE2004',
              event.span,
              `Unknown notify event '${event.name}'.${did(guess)}`,
              'Events: ONLINE ONBATT LOWBATT FSD COMMOK COMMBAD SHUTDOWN REPLBATT NOCOMM CAL NOTCAL OFF BYPASS ALARM OVER TRIM BOOST OTHER (and NOT...).',
            )
          }
        }
        this.block(rule.body, keyword(rule.span, 2), true)
        return
      case 'timer':
        if (this.handled.some((h) => h.name === rule.name.text && device === undefined))
          this.warn(
            'RULE2017',
            rule.name.span,
            `A second 'on timer ${rule.name.text}' rule: both will run.`,
          )
        this.handled.push({ name: rule.name.text, span: rule.name.span })
        this.block(rule.body, keyword(rule.span, 8), true)
        return
      case 'device':
        this.device(rule.name.text, rule.name.span)
        for (const inner of rule.rules) this.rule(inner, rule.name.text)
        return
    }
  }

  private hold(hold: { seconds: number; span: Span } | undefined): void {
    // NaN: the lexer already reported a bad duration.
    if (hold !== undefined && hold.seconds <= 0 && hold.span.end > hold.span.start)
      this.error(
        'RULE2011',
        hold.span,
        'The duration must be longer than zero.',
        "Leave out 'for' to act at once.",
      )
  }

  private block(actions: Action[], span: Span, warnEmpty: boolean): void {
    if (actions.length === 0 && warnEmpty)
      this.warn('RULE2015', span, 'This rule has no actions; it does nothing.')
    for (const action of actions) this.action(action)
  }

  private action(action: Action): void {
    switch (action.kind) {
      case 'notify':
      case 'log':
        this.template(action.text)
        return
      case 'exec': {
        const program = action.argv[0]
        if (program === undefined)
          this.error(
            'RULE2012',
            action.span,
            'exec needs at least the program to run.',
            'exec ["/usr/local/bin/alert", "{ups}"]',
          )
        else if (!program.value.startsWith('/'))
          this.warn(
            'RULE2012',
            program.span,
            `'${program.value}' is not an absolute path; it is looked up in PATH.`,
            'Give the full path so the rule does not depend on the environment.',
          )
        for (const arg of action.argv) this.template(arg)
        if (action.timeout !== undefined) this.hold(action.timeout)
        return
      }
      case 'webhook':
        if (!/^https?:\/\/[^\s/]+/.test(action.url.value))
          this.error(
            'RULE2012',
            action.url.span,
            `'${action.url.value}' is not an http:// or https:// URL.`,
            'webhook "https://example.net/hooks/ups"',
          )
        return
      case 'instcmd':
        if (action.device !== undefined) this.device(action.device.text, action.device.span)
        if (action.command.text !== '' && !isStandardCommand(action.command.text)) {
          const guess = suggest(action.command.text, standardCommands)
          this.warn(
            'RULE2010',
            action.command.span,
            `'${action.command.text}' is not a standard NUT instant command.${did(guess)}`,
            'Fine if your device has it: see `nutshell upscmd -l DEVICE`.',
          )
        }
        return
      case 'set':
        if (action.device !== undefined) this.device(action.device.text, action.device.span)
        this.variableName(action.variable.text, action.variable.span)
        return
      case 'fsd':
        if (action.device !== undefined) this.device(action.device.text, action.device.span)
        return
      case 'shutdown':
      case 'hibernate':
        return
      case 'start-timer':
        this.started.push(timerUse(action.name))
        if (action.duration.seconds <= 0 && action.duration.span.end > action.duration.span.start)
          this.error('RULE2011', action.duration.span, 'A timer needs a duration longer than zero.')
        return
      case 'cancel-timer':
        this.cancelled.push(timerUse(action.name))
        if (action.otherwise !== undefined) this.block(action.otherwise, action.span, false)
        return
    }
  }

  private template(text: StringLit): void {
    const parsed = parseTemplate(text.value)
    const base = text.span.start + 1
    for (const p of parsed.problems)
      this.error('RULE2009', { start: base + p.offset, end: base + p.offset + p.length }, p.message)
    for (const part of parsed.parts) {
      if (
        part.kind !== 'ref' ||
        (part.device === undefined && (part.name === 'ups' || part.name === 'event'))
      )
        continue
      if (part.device !== undefined)
        this.device(part.device, {
          start: base + part.offset,
          end: base + part.offset + part.device.length,
        })
      const offset = base + part.offset + (part.device === undefined ? 0 : part.device.length + 1)
      this.variableName(part.name, { start: offset, end: offset + part.name.length })
    }
  }
}

/** The span of a rule's first words, so a warning about the whole rule underlines its keyword. */
function keyword(span: Span, length: number): Span {
  return { start: span.start, end: Math.min(span.end, span.start + length) }
}

function timerUse(word: Word): TimerUse {
  return { name: word.text, span: word.span }
}
