"""The shipped contract suite: ``pytest --pyargs pytest_plugin.suite [--liveness-target=sandbox ...]``.

Every endpoint with generated valid and invalid requests, authentication failures, HTTP-level
errors, and the session journey: as far as a sandbox allows without a person in front of a
camera, and all of it (completion, media, clock, lifecycle state machine) on the mock.
"""
