"""pytest plugin: fixtures and --awsrec-* options (record and replay per test)."""
