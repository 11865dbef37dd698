"""Parsers: pure functions from bytes and text to typed results (MIME, HTML, remittances,
classification). Pure: no IO."""
