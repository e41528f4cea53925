/**
 * What the rules ask for, as data. The evaluator never runs anything itself: it hands
 * each request to an ActionSink that the broker wires to the action layer (notify
 * channels, the command runner, webhook, the store's command path, the monitor's
 * shutdown path). `shutdown` and `hibernate` must go through the monitor's shutdown
 * path, never a direct system call.
 *
 * `start-timer` and `cancel-timer` are reported too, for the dry run and the log; a real
 * sink may ignore them (the evaluator runs its timers itself).
 */
export type ActionRequest = ActionCommon & ActionBody

export interface ActionCommon {
  /** Monotonic ms (clock.now()) when the rule decided. */
  at: number
  /** Wall-clock ms, for payloads and logs. */
  wallTime: number
  /** Where the rule is: `file:line`. */
  rule: string
  /** The device the action is about (the rule's device, or the one the action names). */
  device: string
  /** The notify event that triggered an `on` rule, or the timer name of `on timer`. */
  event?: string
}

export type ActionBody =
  | { action: 'notify'; text: string }
  | { action: 'log'; text: string }
  /** No shell: argv[0] is the program. env carries UPSNAME and NOTIFYTYPE as upssched did. */
  | { action: 'exec'; argv: string[]; timeoutMs: number | undefined; env: Record<string, string> }
  | { action: 'webhook'; url: string; payload: WebhookPayload }
  | { action: 'instcmd'; command: string; parameter: string | undefined }
  | { action: 'set'; variable: string; value: string }
  | { action: 'fsd' }
  | { action: 'shutdown' }
  | { action: 'hibernate' }
  | { action: 'start-timer'; timer: string; seconds: number }
  | { action: 'cancel-timer'; timer: string; wasRunning: boolean }

export type ActionName = ActionBody['action']

/** The JSON a `webhook` action POSTs. */
export interface WebhookPayload {
  device: string
  rule: string
  event: string | undefined
  time: string
  status: string | undefined
  variables: Record<string, string>
}

export interface ActionSink {
  /** Must not throw and must not block: queue slow work and report failures in the log. */
  run(request: ActionRequest): void
}

/** A sink that only records, for `nutshell rules test` and tests. */
export class RecordingSink implements ActionSink {
  readonly requests: ActionRequest[] = []
  run(request: ActionRequest): void {
    this.requests.push(request)
  }
}

/** One line of detail for an action, as the dry run prints it. */
export function describeAction(request: ActionRequest): string {
  switch (request.action) {
    case 'notify':
    case 'log':
      return request.text
    case 'exec':
      return request.argv.map((a) => (/^[\w./:@%+=,-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')
    case 'webhook':
      return request.url
    case 'instcmd':
      return [request.device, request.command, request.parameter]
        .filter((x) => x !== undefined)
        .join(' ')
    case 'set':
      return `${request.device} ${request.variable} ${request.value}`
    case 'fsd':
    case 'shutdown':
    case 'hibernate':
      return request.device
    case 'start-timer':
      return `${request.timer} ${request.seconds}s`
    case 'cancel-timer':
      return request.wasRunning ? request.timer : `${request.timer} (not running)`
  }
}
