"""The verifiable audit log: the Merkle tree, signed checkpoints, the export, verifying."""
