"""The control plane under /__admin: endpoint helpers, clock and reset, safety, dashboard (imports: gateway, below)."""
