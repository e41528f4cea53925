/**
 * Time as a dependency. Every timer in nutshell goes through a Clock so that tests drive
 * time and so that intervals use monotonic time: a wall-clock jump of an hour either way
 * must neither fire nor delay a timeout.
 */
export interface TimerHandle {
  cancel(): void
}

export interface Clock {
  /** Monotonic milliseconds, only meaningful as differences. */
  now(): number
  /** Wall-clock milliseconds since the epoch, for display and logs only. */
  wallNow(): number
  setTimeout(callback: () => void, ms: number): TimerHandle
  setInterval(callback: () => void, ms: number): TimerHandle
}

export const systemClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimeout(callback, ms) {
    const handle = setTimeout(callback, ms)
    return { cancel: () => clearTimeout(handle) }
  },
  setInterval(callback, ms) {
    const handle = setInterval(callback, ms)
    return { cancel: () => clearInterval(handle) }
  },
}

/** Resolves after `ms` on the given clock. */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimeout(resolve, ms)
  })
}
