"""The demo dataset: what it holds (data) and how it is told to the registry (story)."""
