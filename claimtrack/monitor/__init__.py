"""The deadline monitor: what is due and when (planning), the flag pass (flagging), delivery
through the outbox (outbox) and the channels that keep failing (health), a whole pass, the
digest and a preview (passes), the alert and digest messages (messages), the channels that
deliver them (channels), and the long-running service wired to APScheduler with its signals
(service)."""
