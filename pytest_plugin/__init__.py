"""pytest plugin and contract kit for liveness-mock.

Installed with the ``liveness-mock`` wheel and loaded through the ``pytest11`` entry point
(``pytest_plugin.plugin``). This package module imports nothing: pytest loads the plugin in every
run of a project that installs us, so heavy imports wait until a fixture or a test needs them.
"""

from __future__ import annotations
