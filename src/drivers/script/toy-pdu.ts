/**
 * A made-up PDU for the engine's tests (nutshell's own, not one of powerman's files):
 * three outlets, a "pdu> " prompt, CRLF line ends. `toyPdu` answers like the device.
 */
export const toySpec = `
specification "toy" {
	timeout 5
	plug name { "1" "2" "3" }
	script login {
		send "login\\r\\n"
		expect "ok\\r\\npdu> "
	}
	script status_all {
		send "stat\\r\\n"
		foreachplug {
			expect "outlet ([0-9]+): (on|off)\\r\\n"
			setplugstate $1 $2 on="^on" off="^off"
		}
		expect "pdu> "
	}
	script status_temp_all {
		send "temp\\r\\n"
		foreachplug {
			expect "outlet ([0-9]+): ([0-9]+)C\\r\\n"
			setplugstate $1 $2
		}
		expect "pdu> "
	}
	script on {
		send "on %s\\r\\n"
		expect "pdu> "
	}
	script on_all {
		send "on *\\r\\n"
		expect "pdu> "
	}
	script off {
		send "off %s\\r\\n"
		expect "pdu> "
	}
	script off_ranged {
		send "off %s\\r\\n"
		expect "pdu> "
	}
	script cycle {
		send "off %s\\r\\n"
		expect "pdu> "
		delay 2
		send "on %s\\r\\n"
		expect "pdu> "
	}
}
`

export class ToyPdu {
  readonly on = new Map<string, boolean>([
    ['1', false],
    ['2', false],
    ['3', false],
  ])
  loggedIn = false
  /** Lines that get no answer at all (a device that hangs on them). */
  silentOn = new Set<string>()

  answer = (line: string): string | undefined => {
    if (this.silentOn.has(line)) return undefined
    const [word, arg] = line.split(' ')
    if (word === 'login') {
      this.loggedIn = true
      return 'ok\r\npdu> '
    }
    if (!this.loggedIn) return 'denied\r\npdu> '
    if (word === 'stat')
      return `${[...this.on].map(([p, v]) => `outlet ${p}: ${v ? 'on' : 'off'}\r\n`).join('')}pdu> `
    if (word === 'temp')
      return `${[...this.on.keys()].map((p) => `outlet ${p}: ${20 + Number(p)}C\r\n`).join('')}pdu> `
    if ((word === 'on' || word === 'off') && arg !== undefined) {
      for (const p of this.targets(arg)) this.on.set(p, word === 'on')
      return 'pdu> '
    }
    return 'unknown\r\npdu> '
  }

  private targets(arg: string): string[] {
    if (arg === '*') return [...this.on.keys()]
    const m = /^\[(.*)\]$/.exec(arg)
    if (m === null) return [arg]
    return (m[1] as string).split(',').flatMap((r) => {
      const [lo, hi] = r.split('-').map(Number) as [number, number | undefined]
      const out: string[] = []
      for (let n = lo; n <= (hi ?? lo); n++) out.push(String(n))
      return out
    })
  }
}
