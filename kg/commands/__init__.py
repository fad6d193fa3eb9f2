"""CLI commands of the larger areas (analytics, store, bench), attached to `kg.cli.main`."""
