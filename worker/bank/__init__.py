"""Bank credits: statement files imported as payments, linked to the remittances that told of
them, or applied by their own text; and statements that arrive by mail."""
