"""The browsable lists: one Select per kind of record (filters, order) and its item."""
