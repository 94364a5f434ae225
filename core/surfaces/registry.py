"""The SURFACES registry and `get_surface`: classic 2-D loss surfaces with exact gradients, a quadratic, custom text.

Each formula is written once over a math module ``m`` (numpy or torch), so the torch oracle evaluates the very
same expression; gradients are hand-written and tested against torch autograd. The non-smooth V-shaped valley is
typed in the custom-expression grammar instead: its gradient is the parser's, torch's subgradient at the kink.
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np

from core.surfaces.expression import custom_surface
from core.surfaces.surface import Surface


def _beale(x, y, m):
    return (1.5 - x + x * y) ** 2 + (2.25 - x + x * y**2) ** 2 + (2.625 - x + x * y**3) ** 2


# 0-d arrays: NumPy multiplies small arrays by them faster than by Python floats (Beale is the benchmark view).
_B1, _B2, _B3, _ONE, _TWO, _THREE = (np.array(v) for v in (1.5, 2.25, 2.625, 1.0, 2.0, 3.0))


def _beale_grad(x, y):
    u1 = y - _ONE
    y2 = y * y
    u2 = y2 - _ONE
    y3 = y2 * y
    u3 = y3 - _ONE
    a, b, c = x * u1 + _B1, x * u2 + _B2, x * u3 + _B3  # 1.5 - x + xy, 2.25 - x + xy^2, 2.625 - x + xy^3
    gx = _TWO * (a * u1 + b * u2 + c * u3)
    gy = (_TWO * x) * (a + (_TWO * y) * b + (_THREE * y2) * c)
    return gx, gy


def _valley(x, y, m):
    return m.log(1 + 0.25 * (x - 4) ** 2) + 5 * y**2


def _valley_grad(x, y):
    return 0.5 * (x - 4) / (1 + 0.25 * (x - 4) ** 2), 10 * y


def _rosenbrock(x, y, m):
    return (1 - x) ** 2 + 100 * (y - x**2) ** 2


def _himmelblau(x, y, m):
    return (x**2 + y - 11) ** 2 + (x + y**2 - 7) ** 2


def _rastrigin(x, y, m):
    return 20 + x**2 - 10 * m.cos(2 * math.pi * x) + y**2 - 10 * m.cos(2 * math.pi * y)


def _rastrigin_grad(x, y):
    return 2 * x + 20 * math.pi * np.sin(2 * math.pi * x), 2 * y + 20 * math.pi * np.sin(2 * math.pi * y)


def _v_valley() -> Surface:
    """Walls 5|y| meeting in a kink along the floor y = 0, which descends to (3, 0): written in the custom-expression
    grammar, so its gradient is the parser's (torch's subgradient: abs'(0) = 0)."""
    s = custom_surface("5*abs(y) + 0.2*(x - 3)**2", box=(-5.0, 5.0, -2.5, 2.5))
    return replace(s, name="v_valley", title="V-shaped valley", latex=r"5\,\lvert y\rvert + 0.2\,(x - 3)^2",
                   minima=np.array([[3.0, 0.0]]), starts=((-4.5, 1.55), (-4.5, -2.05)),
                   note="Non-smooth: the walls 5|y| meet in a kink along the floor, so the gradient across it is "
                        "±5 however close a run gets (0 exactly on it, torch's convention for abs). Typed as a "
                        "custom surface it reads `5*abs(y) + 0.2*(x - 3)**2`.")


HIMMELBLAU_MINIMA = [(3.0, 2.0), (-2.805118, 3.131312), (-3.779310, -3.283186), (3.584428, -1.848126)]

SURFACES: dict[str, Surface] = {s.name: s for s in [
    Surface("beale", "Beale", r"(1.5 - x + xy)^2 + (2.25 - x + xy^2)^2 + (2.625 - x + xy^3)^2", _beale, _beale_grad,
            box=(-4.5, 4.5, -4.5, 4.5), minima=np.array([[3.0, 0.5]]), starts=((1.0, 1.5), (-2.0, 2.5), (2.5, -3.0))),
    Surface("long_valley", "Long valley", r"\log\left(1 + \tfrac14 (x-4)^2\right) + 5y^2", _valley, _valley_grad,
            (-8.0, 6.0, -3.0, 3.0), np.array([[4.0, 0.0]]), ((-7.0, 1.5), (-7.0, -2.5)),
            "A narrow ravine (walls 5y^2) whose floor descends gently towards x = 4: our reconstruction of the "
            "classic animation, whose exact formula was never published."),
    _v_valley(),
    Surface("saddle", "Saddle point", r"x^2 - y^2", lambda x, y, m: x**2 - y**2, lambda x, y: (2 * x, -2 * y),
            (-2.0, 2.0, -2.0, 2.0), np.zeros((0, 2)), ((-1.8, 1e-3), (-1.8, 0.2)),
            "Unbounded below along y; starting almost on the ridge y = 0 shows which methods escape quickly. "
            "Our reconstruction of the classic animation, whose exact formula was never published."),
    Surface("rosenbrock", "Rosenbrock", r"(1-x)^2 + 100\,(y - x^2)^2", _rosenbrock,
            lambda x, y: (-2 * (1 - x) - 400 * x * (y - x**2), 200 * (y - x**2)),
            box=(-2.0, 2.0, -1.0, 3.0), minima=np.array([[1.0, 1.0]]), starts=((-1.2, 1.0), (-1.5, 2.5))),
    Surface("himmelblau", "Himmelblau", r"(x^2 + y - 11)^2 + (x + y^2 - 7)^2", _himmelblau,
            lambda x, y: (4 * x * (x**2 + y - 11) + 2 * (x + y**2 - 7), 2 * (x**2 + y - 11) + 4 * y * (x + y**2 - 7)),
            box=(-5.0, 5.0, -5.0, 5.0), minima=np.array(HIMMELBLAU_MINIMA), starts=((0.0, 0.0), (-0.5, -4.5))),
    Surface("rastrigin", "Rastrigin", r"20 + x^2 - 10\cos 2\pi x + y^2 - 10\cos 2\pi y", _rastrigin,
            _rastrigin_grad, box=(-5.12, 5.12, -5.12, 5.12), minima=np.array([[0.0, 0.0]]),
            starts=((3.3, 2.7), (-4.2, 1.4))),
]}


def quadratic(kappa: float = 10.0, angle: float = 0.0) -> Surface:
    """0.5 (u^2 + kappa v^2) with (u, v) the point rotated by -angle degrees: eigenvalues 1 and kappa."""
    if not (np.isfinite(kappa) and 1.0 <= kappa <= 1e6):
        raise ValueError(f"The condition number kappa must be between 1 and 1e6, got {kappa}.")
    c, s = math.cos(math.radians(angle)), math.sin(math.radians(angle))

    def f(x, y, m):
        u, v = c * x + s * y, -s * x + c * y
        return 0.5 * (u**2 + kappa * v**2)

    def g(x, y):
        u, v = c * x + s * y, -s * x + c * y
        return c * u - s * kappa * v, s * u + c * kappa * v

    return Surface(
        "quadratic",
        f"Quadratic (kappa={kappa:g}, angle={angle:g} deg)",
        r"\tfrac12\left(u^2 + \kappa v^2\right),\ (u, v) = R_{-\theta}(x, y)",
        f,
        g,
        (-3.0, 3.0, -3.0, 3.0),
        np.array([[0.0, 0.0]]),
        ((-2.5, 2.0), (2.5, 1.0)),
        f"Eigenvalues 1 and {kappa:g} (condition number kappa = {kappa:g}); the stiff axis v is the y axis rotated "
        f"by {angle:g} degrees.",
    )


SURFACES["quadratic"] = quadratic()


def get_surface(name: str, **params) -> Surface:
    """A registered surface; `quadratic` takes kappa and angle (degrees), `custom` takes expr (parsed safely)."""
    if name == "quadratic":
        return quadratic(**params)
    if name == "custom":
        return custom_surface(**params)
    if name not in SURFACES:
        raise ValueError(f"Unknown surface {name!r}; choose one of {', '.join([*SURFACES, 'custom'])}.")
    return SURFACES[name]
