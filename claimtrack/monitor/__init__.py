"""The deadline monitor: the pass that plans, flags and delivers alerts exactly once
(passes), the channels that deliver them (channels), and the long-running service wired to
APScheduler with its signals (service)."""
