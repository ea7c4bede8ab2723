"""sparql: see docs/architecture.md."""
