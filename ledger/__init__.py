"""The ledger: SQLAlchemy 2.0 models, sessions, migrations, imports, posting and queries."""
