"""Shared kernel: domain types, money, errors, settings and logging. Pure: no IO."""
