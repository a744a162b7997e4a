"""The projection machinery: following the log, applying events, halts, rebuilds, workers."""
