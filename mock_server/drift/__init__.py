"""Mock-vendor drift: volatile-value rules, parity snapshots, the drift report (imports: contract and below)."""
