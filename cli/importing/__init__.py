"""The bulk importer of the national platform's declarations (`leader-registry import`)."""
