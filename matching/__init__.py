"""Cash-application decisions: remittance + open invoices in, decisions out. Pure: no IO."""
