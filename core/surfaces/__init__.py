"""2-D loss surfaces with exact gradients: the registry, a safe parser for typed expressions, their LaTeX.

The names below are the documented API (README); they keep working as they did when this was one module.
"""

from core.surfaces.registry import HIMMELBLAU_MINIMA, SURFACES, get_surface, quadratic
from core.surfaces.surface import Surface

__all__ = ["HIMMELBLAU_MINIMA", "SURFACES", "Surface", "get_surface", "quadratic"]
