"""irtui: the incident-response console for trading on Interactive Brokers."""

from __future__ import annotations


def __getattr__(name: str) -> str:
    # importlib.metadata costs ~30 ms at import; only `--version` and tests ask for it.
    if name == "__version__":
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("irtui")
        except PackageNotFoundError:  # running from a source tree that was never installed
            return "0.0.0"
    raise AttributeError(f"module 'irtui' has no attribute {name!r}")
