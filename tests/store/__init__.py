"""Tests of mock_server.store: the records, the limits, each backend."""
