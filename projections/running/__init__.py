"""The read side at work: in the API process, in a worker, rebuilt; its readiness, metrics."""
