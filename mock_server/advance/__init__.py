"""ADVANCE AI: actions, token auth, journey, results, H5 page, callbacks, billing (imports: below vendors)."""
