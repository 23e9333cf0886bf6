"""``liveness-mock proxy``: the real vendor behind the mock's front, answers checked (imports: app and below)."""
