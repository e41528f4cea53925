/**
 * The one interface every way of telling people plugs into: NOTIFYCMD (EXEC), WALL,
 * SYSLOG and webhooks today; desktop notifications, ntfy, e-mail or MQTT later. A channel
 * gets one notice and delivers it in the background: `deliver` never throws, and its
 * promise (which never rejects) only says when the delivery has finished, for callers
 * that wait (tests, `monitor --test-notify`). Channels are built in one place,
 * `notifyChannels` in channels/index.ts.
 */
export interface Notice {
  /** NOTIFYTYPE: a notify event (ONBATT, LOWBATT, ...) or RULE for a rule's `notify`. */
  type: string
  /** UPSNAME: the MONITOR system string or the device; empty for host-wide events. */
  ups: string
  /** The human text (upsmon's NOTIFYMSG, or the rule's text). */
  text: string
}

export interface NotifyChannel {
  /**
   * What selects the channel: upsmon's NOTIFYFLAG word (EXEC, WALL, SYSLOG) for the
   * channels a type's flags choose, or another name (webhook, ...) for channels that get
   * every notice of their consumer.
   */
  readonly name: string
  /**
   * Service channels (ntfy, e-mail, ...) choose by notify type themselves (`events:` in
   * the config; RULE for a rule's notify). Channels without it are chosen by name.
   */
  accepts?(type: string): boolean
  deliver(notice: Notice): Promise<void>
}

/** NOTIFYFLAG words that select a channel (IGNORE selects none). */
export const flagChannels = ['EXEC', 'SYSLOG', 'WALL'] as const
