"""The vendor-facing ASGI app: hosts, routing, protocol fronts, the call pipeline (imports: contract, foundation)."""
