"""The command line `leader-registry` and its command groups, above the application."""
