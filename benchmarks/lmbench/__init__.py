"""The liveness-mock benchmark: the mock (driven only through its CLI and HTTP API) against a bare
Starlette app that answers the same bytes. Entry point: ``python benchmarks/run.py``."""
