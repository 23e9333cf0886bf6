"""Tests of mock_server.drift: snapshots, evidence, the drift report and its CLI."""
