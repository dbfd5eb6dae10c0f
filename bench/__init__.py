"""Benchmarks of the gateway. Run one with ``python -m bench <name>``; each prints a small
Markdown table and asserts nothing."""
