"""The bulk runs: statements, dunning reminders, their outbox batches, and the scheduler that
starts them."""
