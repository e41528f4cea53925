import type { Clock, TimerHandle } from './clock.ts'

interface PendingTimer {
  id: number
  due: number
  every: number | undefined
  callback: () => void
}

/**
 * A clock that only moves when told to. Tests and the rules dry run use it to replay
 * hours of a timeline in microseconds, with timers firing in due order.
 */
export class ManualClock implements Clock {
  private monotonic = 0
  private wall: number
  private nextId = 1
  private timers: PendingTimer[] = []

  constructor(wallStart = Date.UTC(2026, 0, 1)) {
    this.wall = wallStart
  }

  now(): number {
    return this.monotonic
  }

  wallNow(): number {
    return this.wall
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    return this.add(callback, ms, undefined)
  }

  setInterval(callback: () => void, ms: number): TimerHandle {
    return this.add(callback, ms, Math.max(1, ms))
  }

  /** Moves time forward, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.monotonic + ms
    for (;;) {
      const next = this.earliest()
      if (next === undefined || next.due > target) break
      this.wall += next.due - this.monotonic
      this.monotonic = next.due
      if (next.every === undefined) this.remove(next.id)
      else next.due += next.every
      next.callback()
    }
    this.wall += target - this.monotonic
    this.monotonic = target
  }

  /** Jumps the wall clock only, as an NTP step or a manual `date -s` would. */
  jumpWall(ms: number): void {
    this.wall += ms
  }

  /** Due time of the next timer, if any. */
  nextDue(): number | undefined {
    return this.earliest()?.due
  }

  pendingCount(): number {
    return this.timers.length
  }

  private add(callback: () => void, ms: number, every: number | undefined): TimerHandle {
    const timer: PendingTimer = {
      id: this.nextId++,
      due: this.monotonic + Math.max(0, ms),
      every,
      callback,
    }
    this.timers.push(timer)
    return { cancel: () => this.remove(timer.id) }
  }

  private remove(id: number): void {
    this.timers = this.timers.filter((t) => t.id !== id)
  }

  private earliest(): PendingTimer | undefined {
    let best: PendingTimer | undefined
    for (const timer of this.timers) {
      if (
        best === undefined ||
        timer.due < best.due ||
        (timer.due === best.due && timer.id < best.id)
      )
        best = timer
    }
    return best
  }
}
