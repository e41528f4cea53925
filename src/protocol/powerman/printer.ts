import { unreachable } from '../unreachable.ts'
import type { Capture, Item, PowermanFile, SpecItem, Stmt, Str } from './ast.ts'

/**
 * Prints a tree back as powerman text in a canonical layout (tab indents, one statement
 * a line). Parsing the output gives the same tree, spans aside; the property tests hold
 * it to that. Comments are not kept; an include prints as its line, not its contents.
 */
export function printPowerman(file: PowermanFile): string {
  return file.items.map(printItem).join('')
}

export function printItem(item: Item): string {
  switch (item.kind) {
    case 'listen':
      return `listen ${str(item.address)}\n`
    case 'tcpwrappers':
      return item.value === undefined ? 'tcpwrappers\n' : `tcpwrappers ${item.value}\n`
    case 'plug_log_level':
      return `plug_log_level ${str(item.level)}\n`
    case 'alias':
      return `alias ${str(item.name)} ${str(item.hosts)}\n`
    case 'device':
      return `device ${[item.name, item.spec, item.where, item.flags].flatMap((s) => (s === undefined ? [] : [str(s)])).join(' ')}\n`
    case 'node':
      return `node ${[item.nodes, item.device, item.plugs].flatMap((s) => (s === undefined ? [] : [str(s)])).join(' ')}\n`
    case 'specification':
      return `specification ${str(item.name)} {\n${item.items.map((i) => printSpecItem(i, '\t')).join('')}}\n`
    case 'include':
      return `include "${item.path.value}"\n`
    default:
      return unreachable(item, 'item')
  }
}

function printSpecItem(item: SpecItem, indent: string): string {
  switch (item.kind) {
    case 'timeout':
    case 'pingperiod':
      return `${indent}${item.kind} ${item.seconds.text}\n`
    case 'plugs':
      return `${indent}plug name { ${item.names.map(str).join(' ')} }\n`
    case 'script':
      return `${indent}script ${item.name} ${block(item.body, indent)}\n`
    case 'include':
      return `${indent}include "${item.path.value}"\n`
    default:
      return unreachable(item, 'specification item')
  }
}

function block(body: readonly Stmt[], indent: string): string {
  return `{\n${body.map((s) => printStmt(s, `${indent}\t`)).join('')}${indent}}`
}

export function printStmt(stmt: Stmt, indent = ''): string {
  switch (stmt.kind) {
    case 'expect':
      return `${indent}expect ${str(stmt.regex)}\n`
    case 'send':
      return `${indent}send ${str(stmt.format)}\n`
    case 'delay':
      return `${indent}delay ${stmt.seconds.text}\n`
    case 'setplugstate': {
      const plug =
        stmt.plug.kind === 'literal'
          ? `${str(stmt.plug.name)} `
          : stmt.plug.kind === 'capture'
            ? `${capture(stmt.plug.capture)} `
            : ''
      const interps = stmt.interpretations.map((i) => ` ${i.state}=${str(i.regex)}`).join('')
      return `${indent}setplugstate ${plug}${capture(stmt.value)}${interps}\n`
    }
    case 'setresult':
      return `${indent}setresult ${capture(stmt.plug)} ${capture(stmt.value)}${stmt.success.map((s) => ` success=${str(s)}`).join('')}\n`
    case 'foreachplug':
    case 'foreachnode':
    case 'ifon':
    case 'ifoff':
      return `${indent}${stmt.kind} ${block(stmt.body, indent)}\n`
    case 'include':
      return `${indent}include "${stmt.path.value}"\n`
    default:
      return unreachable(stmt, 'statement')
  }
}

function capture(c: Capture): string {
  return `$${c.text}`
}

const escapes: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\x07': '\\a',
  '\b': '\\b',
  '\x1b': '\\e',
  '\f': '\\f',
  '\v': '\\v',
}

/** A string literal the lexer reads back as `value`: other control bytes as \ddd. */
export function quote(value: string): string {
  let out = '"'
  for (const ch of value) {
    const code = ch.charCodeAt(0)
    const e = escapes[ch]
    if (e !== undefined) out += e
    else if (code < 0x20 || code === 0x7f) out += `\\${code.toString(8).padStart(3, '0')}`
    else out += ch
  }
  return `${out}"`
}

function str(s: Str): string {
  return quote(s.value)
}
