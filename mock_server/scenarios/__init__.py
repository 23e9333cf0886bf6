"""Scenarios and faults: rules, matching, activations, the engine, their admin routes (imports: admin and below)."""
