"""Command handlers, one module per record type, registered into the sync engine."""
