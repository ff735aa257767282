"""The Département's assistance: find a beneficiary, read their file, act on it (with the audit
trail), and manual ledger corrections approved by a second agent."""
