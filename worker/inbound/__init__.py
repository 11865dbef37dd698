"""The inbound flow: a mail stored, read, routed (bank statement, noise, question,
remittance), applied and answered."""
