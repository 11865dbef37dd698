"""The shell around the pure core: settings, broker, actors, mailbox, poller, CLI and demo."""
