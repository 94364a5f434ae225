"""One optimizer step with the numbers plugged in: LaTeX lines of the update rule and the point it lands on.

`plugged(traj, k)` rebuilds step k -> k+1 (torch's t = k + 1) of a Trajectory from its point, gradient and
recorded state, line by line in torch's operation order, so the final theta equals the engine's next point.
Vectors are (x, y) columns; products, quotients, squares and roots act per coordinate.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.optim_state import grad_avg, max_exp_avg_sq, used_grads, velocity
from core.optimizers import Trajectory

DIGITS = 5  # significant digits shown: enough to redo one step by hand


@dataclass(frozen=True)
class Plugged:
    """Step t = k + 1 of one run: LaTeX lines (rule, then numbers = value, aligned at &=) and the new point (2,)."""

    optimizer: str
    step: int
    lines: tuple[str, ...]
    result: np.ndarray


def num(x: float, digits: int = DIGITS) -> str:
    """A float as LaTeX: 0.0012346, 1.2346\\times10^{-5}, -3."""
    s = f"{float(x):.{digits}g}"
    if "e" in s:
        m, e = s.split("e")
        return rf"{m}\times10^{{{int(e)}}}"
    return s


def vec(v: np.ndarray) -> str:
    """A 2-vector as a LaTeX column."""
    return rf"\begin{{pmatrix}}{num(v[0])}\\{num(v[1])}\end{{pmatrix}}"


class _Lines:
    """Collects 'lhs = rule = numbers = value' lines."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, lhs: str, rule: str, numbers: str, value) -> np.ndarray | float:
        shown = vec(value) if np.ndim(value) else num(value)
        self.lines.append(rf"{lhs} &= {rule} \\ &= {numbers} = {shown}")  # two rows: fits a projector
        return value


def _lerp(a, b, w: float):
    """torch.lerp (its formula switches at w = 0.5)."""
    return a + w * (b - a) if w < 0.5 else b - (b - a) * (1 - w)


def _grad(L: _Lines, traj: Trajectory, k: int) -> np.ndarray:
    """g_t as the rule sees it: the surface gradient, plus lambda theta for coupled (L2) weight decay."""
    g, raw, wd = used_grads(traj)[k + 1], traj.grads[k], traj.hyper.get("weight_decay", 0.0)
    if not np.array_equal(g, raw):
        return L.add("g_t", r"\nabla f(\theta_{t-1}) + \lambda\theta_{t-1}",
                     rf"{vec(raw)} + {num(wd)}\,{vec(traj.points[k])}", g)
    L.lines.append(rf"g_t &= \nabla f(\theta_{{t-1}}) = {vec(raw)}")
    return raw


def _sgd(L, traj, k, p, g, s, h, t):
    mu, tau = h["momentum"], h["dampening"]
    if mu == 0:
        return L.add(r"\theta_t", r"\theta_{t-1} - \gamma g_t", rf"{vec(p)} - {num(h['lr'])}\,{vec(g)}",
                     p - h["lr"] * g)
    s = {**s, "velocity": velocity(traj)[k]}
    if t == 1:
        b = L.add("b_1", "g_1", vec(g), g.copy())
    else:
        damp, rule = ((1 - tau) * g, r"(1-\tau) g_t") if tau else (g, "g_t")
        b = L.add("b_t", r"\mu b_{t-1} + " + rule,
                  rf"{num(mu)}\,{vec(s['velocity'])} + " + (rf"{num(1 - tau)}\," if tau else "") + vec(g),
                  mu * s["velocity"] + damp)
    if h["nesterov"]:
        return L.add(r"\theta_t", r"\theta_{t-1} - \gamma (g_t + \mu b_t)",
                     rf"{vec(p)} - {num(h['lr'])}\left({vec(g)} + {num(mu)}\,{vec(b)}\right)",
                     p - h["lr"] * (g + mu * b))
    return L.add(r"\theta_t", r"\theta_{t-1} - \gamma b_t", rf"{vec(p)} - {num(h['lr'])}\,{vec(b)}", p - h["lr"] * b)


def _adagrad(L, traj, k, p, g, s, h, t):
    clr = h["lr"] / (1 + (t - 1) * h["lr_decay"])
    if h["lr_decay"]:
        L.add(r"\gamma_t", r"\gamma / (1 + (t-1)\eta)", rf"{num(h['lr'])} / (1 + {t - 1}\cdot{num(h['lr_decay'])})",
              clr)
    acc = L.add("s_t", "s_{t-1} + g_t^2", rf"{vec(s['sum'])} + {vec(g)}^2", s["sum"] + g * g)
    return L.add(r"\theta_t", r"\theta_{t-1} - \gamma_t \frac{g_t}{\sqrt{s_t} + \epsilon}",
                 rf"{vec(p)} - {num(clr)}\,\frac{{{vec(g)}}}{{\sqrt{{{vec(acc)}}} + {num(h['eps'])}}}",
                 p - clr * (g / (np.sqrt(acc) + h["eps"])))


def _adadelta(L, traj, k, p, g, s, h, t):
    rho, eps = h["rho"], h["eps"]
    v = L.add("v_t", r"\rho v_{t-1} + (1-\rho) g_t^2", rf"{num(rho)}\,{vec(s['square_avg'])} + {num(1 - rho)}\,"
              rf"{vec(g)}^2", s["square_avg"] * rho + (1 - rho) * g * g)
    d = L.add(r"\Delta_t", r"\frac{\sqrt{u_{t-1} + \epsilon}}{\sqrt{v_t + \epsilon}}\, g_t",
              rf"\frac{{\sqrt{{{vec(s['acc_delta'])} + {num(eps)}}}}}{{\sqrt{{{vec(v)} + {num(eps)}}}}}\,{vec(g)}",
              np.sqrt(s["acc_delta"] + eps) / np.sqrt(v + eps) * g)
    L.add("u_t", r"\rho u_{t-1} + (1-\rho)\Delta_t^2", rf"{num(rho)}\,{vec(s['acc_delta'])} + {num(1 - rho)}\,"
          rf"{vec(d)}^2", s["acc_delta"] * rho + (1 - rho) * d * d)
    return L.add(r"\theta_t", r"\theta_{t-1} - \gamma\Delta_t", rf"{vec(p)} - {num(h['lr'])}\,{vec(d)}",
                 p - h["lr"] * d)


def _rmsprop(L, traj, k, p, g, s, h, t):
    a, eps, mom = h["alpha"], h["eps"], h["momentum"]
    v = L.add("v_t", r"\alpha v_{t-1} + (1-\alpha) g_t^2", rf"{num(a)}\,{vec(s['square_avg'])} + {num(1 - a)}\,"
              rf"{vec(g)}^2", s["square_avg"] * a + (1 - a) * g * g)
    var = v
    if h["centered"]:
        ga = L.add(r"\bar g_t", r"\alpha \bar g_{t-1} + (1-\alpha) g_t",
                   rf"{num(a)}\,{vec(grad_avg(traj)[k])} + {num(1 - a)}\,{vec(g)}", grad_avg(traj)[k + 1])
        var = L.add(r"\tilde v_t", r"v_t - \bar g_t^2", rf"{vec(v)} - {vec(ga)}^2", v - ga * ga)
    avg = np.sqrt(var) + eps
    frac = rf"\frac{{{vec(g)}}}{{\sqrt{{{vec(var)}}} + {num(eps)}}}"
    if mom > 0:
        b = L.add("b_t", r"\mu b_{t-1} + \frac{g_t}{\sqrt{v_t} + \epsilon}", rf"{num(mom)}\,{vec(s['velocity'])} + "
                  + frac, s["velocity"] * mom + g / avg)
        return L.add(r"\theta_t", r"\theta_{t-1} - \gamma b_t", rf"{vec(p)} - {num(h['lr'])}\,{vec(b)}",
                     p - h["lr"] * b)
    return L.add(r"\theta_t", r"\theta_{t-1} - \gamma\frac{g_t}{\sqrt{v_t} + \epsilon}",
                 rf"{vec(p)} - {num(h['lr'])}\," + frac, p - h["lr"] * (g / avg))


def _moments(L, s, g, h):
    """Adam-style m_t (torch's lerp) and v_t."""
    b1, b2 = h["beta1"], h["beta2"]
    m = L.add("m_t", r"\beta_1 m_{t-1} + (1-\beta_1) g_t", rf"{num(b1)}\,{vec(s['exp_avg'])} + {num(1 - b1)}\,"
              rf"{vec(g)}", _lerp(s["exp_avg"], g, 1 - b1))
    if "exp_avg_sq" not in s:
        return m, None
    v = L.add("v_t", r"\beta_2 v_{t-1} + (1-\beta_2) g_t^2", rf"{num(b2)}\,{vec(s['exp_avg_sq'])} + {num(1 - b2)}\,"
              rf"{vec(g)}^2", s["exp_avg_sq"] * b2 + (1 - b2) * g * g)
    return m, v


def _adam(L, traj, k, p, g, s, h, t):
    b1, b2, lr, eps, wd = h["beta1"], h["beta2"], h["lr"], h["eps"], h["weight_decay"]
    if wd and h["decoupled"]:
        p = L.add(r"\tilde\theta", r"\theta_{t-1}(1 - \gamma\lambda)", rf"{vec(p)}\,(1 - {num(lr)}\cdot{num(wd)})",
                  p * (1 - lr * wd))
    m, v = _moments(L, s, g, h)
    bc1, bc2 = 1 - b1**t, 1 - b2**t
    second = v
    if h["amsgrad"]:
        second = L.add(r"v^{max}_t", r"\max(v^{max}_{t-1}, v_t)", rf"\max({vec(max_exp_avg_sq(traj)[k])}, {vec(v)})",
                       np.maximum(max_exp_avg_sq(traj)[k], v))
    mh = L.add(r"\hat m_t", r"m_t / (1-\beta_1^t)", rf"{vec(m)} / (1 - {num(b1)}^{{{t}}})", m / bc1)
    vh = L.add(r"\hat v_t", r"v_t / (1-\beta_2^t)", rf"{vec(second)} / (1 - {num(b2)}^{{{t}}})", second / bc2)
    start = r"\tilde\theta" if wd and h["decoupled"] else r"\theta_{t-1}"
    return L.add(r"\theta_t", start + r" - \gamma\frac{\hat m_t}{\sqrt{\hat v_t} + \epsilon}",
                 rf"{vec(p)} - {num(lr)}\,\frac{{{vec(mh)}}}{{\sqrt{{{vec(vh)}}} + {num(eps)}}}",
                 p - (lr / bc1) * (m / (np.sqrt(second) / bc2**0.5 + eps)))


def _adamax(L, traj, k, p, g, s, h, t):
    b1, b2, eps = h["beta1"], h["beta2"], h["eps"]
    m, _ = _moments(L, {"exp_avg": s["exp_avg"]}, g, h)
    u = L.add("u_t", r"\max(\beta_2 u_{t-1}, |g_t| + \epsilon)", rf"\max({num(b2)}\,{vec(s['exp_inf'])}, "
              rf"|{vec(g)}| + {num(eps)})", np.maximum(s["exp_inf"] * b2, np.abs(g) + eps))
    clr = h["lr"] / (1 - b1**t)
    return L.add(r"\theta_t", r"\theta_{t-1} - \frac{\gamma}{1-\beta_1^t}\frac{m_t}{u_t}",
                 rf"{vec(p)} - \frac{{{num(h['lr'])}}}{{1 - {num(b1)}^{{{t}}}}}\,\frac{{{vec(m)}}}{{{vec(u)}}}",
                 p - clr * (m / u))


def _nadam(L, traj, k, p, g, s, h, t):
    b1, psi, lr, eps = h["beta1"], h["momentum_decay"], h["lr"], h["eps"]
    mus = [b1 * (1.0 - 0.5 * 0.96 ** (i * psi)) for i in range(1, t + 2)]
    prod = np.float32(1.0)
    for mu_i in mus[:t]:  # torch keeps this product in float32 (see core.optim_rules.nadam)
        prod = prod * np.float32(mu_i)
    mu, mu_next, pt = mus[t - 1], mus[t], float(prod)
    L.add(r"\mu_t, \mu_{t+1}", r"\beta_1(1 - \tfrac12 0.96^{t\psi})", rf"{num(b1)}(1 - \tfrac12 0.96^{{{t}\cdot"
          rf"{num(psi)}}}), \ldots", np.array([mu, mu_next]))
    m, v = _moments(L, s, g, h)
    denom = L.add(r"d_t", r"\sqrt{v_t / (1-\beta_2^t)} + \epsilon", rf"\sqrt{{{vec(v)} / (1 - {num(h['beta2'])}^"
                  rf"{{{t}}})}} + {num(eps)}", np.sqrt(v / (1 - h["beta2"] ** t)) + eps)
    c1, c2 = -lr * (1.0 - mu) / (1.0 - pt), (-lr * mu_next) / (1.0 - pt * mu_next)
    return L.add(r"\theta_t", r"\theta_{t-1} - \gamma\frac{1-\mu_t}{1-\prod_{i\le t}\mu_i}\frac{g_t}{d_t} - "
                 r"\gamma\frac{\mu_{t+1}}{1-\prod_{i\le t+1}\mu_i}\frac{m_t}{d_t}",
                 rf"{vec(p)} + ({num(c1)})\frac{{{vec(g)}}}{{{vec(denom)}}} + ({num(c2)})\frac{{{vec(m)}}}"
                 rf"{{{vec(denom)}}}", (p + c1 * (g / denom)) + c2 * (m / denom))


def _radam(L, traj, k, p, g, s, h, t):
    b1, b2, lr, eps = h["beta1"], h["beta2"], h["lr"], h["eps"]
    m, v = _moments(L, s, g, h)
    bc2 = 1 - b2**t
    mh = L.add(r"\hat m_t", r"m_t / (1-\beta_1^t)", rf"{vec(m)} / (1 - {num(b1)}^{{{t}}})", m / (1 - b1**t))
    rho_inf = 2 / (1 - b2) - 1
    rho = L.add(r"\rho_t", r"\rho_\infty - \frac{2t\beta_2^t}{1-\beta_2^t}",
                rf"{num(rho_inf)} - \frac{{2\cdot{t}\cdot{num(b2)}^{{{t}}}}}{{1 - {num(b2)}^{{{t}}}}}",
                rho_inf - 2 * t * (b2**t) / bc2)
    if rho <= 5.0:
        return L.add(r"\theta_t", r"\theta_{t-1} - \gamma\hat m_t \quad (\rho_t \le 5)",
                     rf"{vec(p)} - {num(lr)}\,{vec(mh)}", p - mh * lr)
    r = L.add("r_t", r"\sqrt{\frac{(\rho_t-4)(\rho_t-2)\rho_\infty}{(\rho_\infty-4)(\rho_\infty-2)\rho_t}}",
              rf"\sqrt{{\frac{{({num(rho)}-4)({num(rho)}-2)\,{num(rho_inf)}}}{{({num(rho_inf)}-4)({num(rho_inf)}-2)"
              rf"\,{num(rho)}}}}}", ((rho - 4) * (rho - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho)) ** 0.5)
    return L.add(r"\theta_t", r"\theta_{t-1} - \gamma\hat m_t\, r_t\frac{\sqrt{1-\beta_2^t}}{\sqrt{v_t} + \epsilon}",
                 rf"{vec(p)} - {num(lr)}\,{vec(mh)}\,{num(r)}\,\frac{{\sqrt{{1 - {num(b2)}^{{{t}}}}}}}"
                 rf"{{\sqrt{{{vec(v)}}} + {num(eps)}}}", p - mh * lr * (bc2**0.5 / (np.sqrt(v) + eps)) * r)


def _rprop(L, traj, k, p, g, s, h, t):
    sign = np.sign(g * s["prev"])
    factor = np.where(sign > 0, h["etaplus"], np.where(sign < 0, h["etaminus"], 1.0))
    L.add(r"\text{factor}", r"\eta^{\pm}\ \text{by}\ \mathrm{sign}(g_t g_{t-1})",
          rf"\mathrm{{sign}}({vec(g)}\,{vec(s['prev'])})", factor)
    eta = L.add(r"\eta_t", r"\mathrm{clip}(\eta_{t-1}\cdot\text{factor})", rf"{vec(s['step_size'])}\,{vec(factor)}",
                np.minimum(np.maximum(s["step_size"] * factor, h["step_size_min"]), h["step_size_max"]))
    g = np.where(factor == h["etaminus"], 0.0, g)  # torch skips the step of a coordinate whose sign flipped
    return L.add(r"\theta_t", r"\theta_{t-1} - \eta_t\,\mathrm{sign}(g_t)", rf"{vec(p)} - {vec(eta)}\,"
                 rf"\mathrm{{sign}}{vec(g)}", p - np.sign(g) * eta)


RULES = {"sgd": _sgd, "momentum": _sgd, "nesterov": _sgd, "adagrad": _adagrad, "adadelta": _adadelta,
         "rmsprop": _rmsprop, "adam": _adam, "adamw": _adam, "amsgrad": _adam, "adamax": _adamax, "nadam": _nadam,
         "radam": _radam, "rprop": _rprop}


def plugged(traj: Trajectory, k: int) -> Plugged:
    """Step k -> k+1 of traj (0 <= k < T, before any divergence) with every number substituted."""
    last = (traj.diverged_at or len(traj.points)) - 1
    if not 0 <= k < last:
        raise ValueError(f"Step {k} -> {k + 1} is not in this run (0 <= k < {last}).")
    L = _Lines()
    g = _grad(L, traj, k)
    s = {n: v[k] for n, v in traj.state.items()}
    result = RULES[traj.optimizer](L, traj, k, traj.points[k].copy(), g, s, traj.hyper, k + 1)
    return Plugged(traj.optimizer, k + 1, tuple(L.lines), np.asarray(result, dtype=np.float64))
