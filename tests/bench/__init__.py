"""Benchmarks (not tests): synthetic data and timing runs. See README.md here."""
