"""Benchmarks: each times our code and a baseline in the same process and reports the ratio."""
