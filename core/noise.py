"""Moved to core.optim.noise.

This name stays so that code written against it keeps working (README: Python API, moved modules).
"""

from core.optim.noise import CHUNK, NOISES, GradientNoise, NoiseSpec, validate

__all__ = ["CHUNK", "GradientNoise", "NOISES", "NoiseSpec", "validate"]
