"""2-D slices of a real network's loss (Li, Xu, Taylor, Studer & Goldstein, "Visualizing the Loss Landscape of
Neural Nets", NeurIPS 2018): filter-normalized random directions (their Sec. 4) and the PCA plane of a training
trajectory (their Sec. 7).

>>> net = build(NetSpec(64, 10), seed=0)
>>> d1, d2 = (filter_normalized_direction(net, torch.Generator().manual_seed(s)) for s in (1, 2))
>>> z = loss_slice(net, (d1, d2), x, y, np.linspace(-1, 1, 41), np.linspace(-1, 1, 41))   # (41, 41)

Every vector here is the network's parameters flattened in ``net.parameters()`` order (``flat_params``), float32.
The grid is evaluated in batches of weight sets through ``torch.func.functional_call`` under ``vmap`` (one batched
forward per chunk of grid points), not one model load and forward per point. Networks with batch norm are evaluated
in eval mode with the running statistics of ``net``, as Li et al.'s ``evaluation.eval_loss`` does (``net.eval()``):
BN's parameters and statistics stay those of the centre, only the filters move.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F
from torch.func import functional_call, vmap

__all__ = ["flat_params", "filter_mask", "filter_normalized_direction", "loss_slice", "loss_at", "PCA",
           "pca_directions", "project", "CHUNK"]

CHUNK = 8  # grid points per batched forward: their (8, 100, 500) activations (1.6 MB) stay in the L2 cache


def flat_params(net: torch.nn.Module) -> torch.Tensor:
    """The parameters of ``net`` as one detached float32 vector (P,), in ``net.parameters()`` order."""
    return torch.cat([p.detach().reshape(-1) for p in net.parameters()]).float()


def filter_mask(net: torch.nn.Module) -> torch.Tensor:
    """Bool (P,): True on entries of weights with filters (dim >= 2: Linear rows, conv output channels); False on
    biases and BN's weight and bias (1-D), whose direction components Li et al. set to zero (``ignore='biasbn'``)."""
    return torch.cat([torch.full((p.numel(),), p.dim() >= 2) for p in net.parameters()])


def filter_normalized_direction(net: torch.nn.Module, generator: torch.Generator) -> torch.Tensor:
    """A random direction (P,): N(0, 1) entries, each filter (row of a Linear weight, output channel of a conv)
    rescaled to the norm of the same filter of ``net``'s weights; 1-D parameters (biases, BN) get 0."""
    parts = []
    for p in net.parameters():
        w = p.detach().float()
        if w.dim() < 2:
            parts.append(torch.zeros(w.numel()))
            continue
        d = torch.randn(w.shape, generator=generator).reshape(len(w), -1)
        w2 = w.reshape(len(w), -1)
        # Li et al.'s normalize_direction: d_i * ||w_i|| / (||d_i|| + 1e-10) per filter i
        parts.append((d * (w2.norm(dim=1) / (d.norm(dim=1) + 1e-10))[:, None]).reshape(-1))
    return torch.cat(parts)


def _split(net: torch.nn.Module) -> tuple[list[str], list[torch.Size], list[int]]:
    named = list(net.named_parameters())
    return [n for n, _ in named], [p.shape for _, p in named], [p.numel() for _, p in named]


def _losses_of(net: torch.nn.Module, x: torch.Tensor, y: torch.Tensor) -> Callable[[torch.Tensor], torch.Tensor]:
    """A function of stacked flat weights (G, P) -> mean cross-entropy (G,) on x, y, with ``net``'s buffers (eval
    mode). The MLP without norms or with batch norm takes the stacked-GEMM path; other nets go through vmap."""
    names, shapes, sizes = _split(net)

    def stacked(flat: torch.Tensor, z1: torch.Tensor | None = None) -> torch.Tensor:
        parts = torch.split(flat, sizes, dim=1)
        params = {n: v.reshape(len(flat), *s) for n, v, s in zip(names, parts, shapes, strict=True)}
        logits = _mlp_logits(net, params, x, z1)  # (G, C, n)
        # mean cross-entropy per weight set: logsumexp over classes - logit of the label
        picked = logits.gather(1, y.expand(len(flat), 1, -1))[:, 0]
        return (torch.logsumexp(logits, dim=1) - picked).mean(dim=1)

    if _fast(net):
        return stacked
    buffers = {n: b.detach() for n, b in net.named_buffers()}

    def one(flat: torch.Tensor) -> torch.Tensor:
        params = dict(zip(names, (v.view(s) for v, s in zip(torch.split(flat, sizes), shapes, strict=True)),
                          strict=True))
        return F.cross_entropy(functional_call(net, (params, buffers), (x,)), y)

    return vmap(one)


def _fast(net: torch.nn.Module) -> bool:
    """Whether ``net`` is core.networks' MLP without norms or with batch norm (the stacked-GEMM path)."""
    return getattr(getattr(net, "spec", None), "arch", "") == "mlp" and net.spec.norm in ("none", "batch")


def _first_layer(net: torch.nn.Module, flat: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """The first linear map's output (G, w, n) for stacked flat weights (G, P): it is linear in the weights, so a
    plane's grid needs it for the centre and the two directions only."""
    names, shapes, sizes = _split(net)
    parts = dict(zip(names, (v.reshape(len(flat), *s) for v, s in zip(torch.split(flat, sizes, dim=1), shapes,
                                                                       strict=True)), strict=True))
    return _affine(x, parts["blocks.0.linear.weight"], parts.get("blocks.0.linear.bias"))


def _bn_eval(z: torch.Tensor, norm: torch.nn.Module, prefix: str, params: dict) -> torch.Tensor:
    """Eval-mode batch norm of z (G, w, n), in place, with the module's running statistics and stacked gamma,
    beta (G, w)."""
    if isinstance(norm, torch.nn.Identity):
        return z
    # gamma (z - mean) / sqrt(var + eps) + beta as one scale and one shift per (weight set, feature), applied in
    # place: two passes over the (G, w, n) block instead of four fresh ones (it cost more than the GEMMs).
    scale = params[prefix + "norm.weight"] * torch.rsqrt(norm.running_var + norm.eps)  # (G, w)
    shift = params[prefix + "norm.bias"] - norm.running_mean * scale
    return z.mul_(scale[..., None]).add_(shift[..., None])


def _affine(h: torch.Tensor, w: torch.Tensor, b: torch.Tensor | None) -> torch.Tensor:
    """h (n, d) shared or (G, d, n) stacked, w (G, out, d), b (G, out) or None -> (G, out, n).

    Feature-major (G, features, examples) keeps every product a contiguous GEMM: W h, never a transpose copy."""
    if h.dim() == 2:  # the input is shared by every weight set: one GEMM against all of them
        g, out, d = w.shape
        z = (w.reshape(g * out, d) @ h.T).reshape(g, out, len(h))
        return z if b is None else z.add_(b[..., None])
    if b is None:
        return torch.bmm(w, h)
    # the bias as the GEMM's C operand: one pass fewer over the (G, out, n) block than bmm then add_
    return torch.baddbmm(b[..., None].expand(len(w), w.shape[1], h.shape[2]), w, h)


# In place: allocating a fresh (G, w, n) block per op costs more than the activation itself.
_IN_PLACE = {torch.nn.Sigmoid: torch.sigmoid_, torch.nn.Tanh: torch.tanh_, torch.nn.ReLU: torch.relu_}


def _act_(act: torch.nn.Module, z: torch.Tensor) -> torch.Tensor:
    """The activation module applied to z, in place when torch has an in-place form of it."""
    if type(act) in _IN_PLACE:
        return _IN_PLACE[type(act)](z)
    if isinstance(act, torch.nn.LeakyReLU):
        return F.leaky_relu_(z, act.negative_slope)
    if isinstance(act, torch.nn.ELU):
        return F.elu_(z, act.alpha)
    return act(z)


def _mlp_logits(net: torch.nn.Module, params: dict, x: torch.Tensor, z1: torch.Tensor | None = None) -> torch.Tensor:
    """core.networks.Net's eval-mode forward for G weight sets at once: logits (G, C, n); dropout is off in eval.
    z1: the first linear map's output (G, w, n) when the caller already has it."""
    h = x
    for i, block in enumerate(net.blocks):
        pre = f"blocks.{i}."
        z = z1 if i == 0 and z1 is not None else _affine(h, params[pre + "linear.weight"],
                                                         params.get(pre + "linear.bias"))
        if block.before:
            z = _bn_eval(z, block.norm, pre, params)
        a = _act_(block.act, z)
        if not block.before:
            a = _bn_eval(a, block.norm, pre, params)
        h = (h.T if h.dim() == 2 else h) + a if block.skip else a
    return _affine(h, params["head.weight"], params["head.bias"])


@torch.no_grad()
def loss_at(net: torch.nn.Module, flat: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> float:
    """Mean cross-entropy of ``net`` with parameters ``flat`` (P,) on x (n, d), y (n,), in eval mode."""
    was = net.training
    net.train(False)
    try:
        return float(_losses_of(net, x, y)(flat.float()[None])[0])
    finally:
        net.train(was)


@torch.no_grad()
def loss_slice(net: torch.nn.Module, directions: tuple[torch.Tensor, torch.Tensor], x: torch.Tensor,
               y: torch.Tensor, alphas: np.ndarray, betas: np.ndarray, *, center: torch.Tensor | None = None,
               chunk: int = CHUNK, progress: Callable[[float], None] | None = None) -> np.ndarray:
    """Loss (len(betas), len(alphas)) float64 at center + a d1 + b d2 (row j: b = betas[j], column i: a =
    alphas[i]); center defaults to ``net``'s parameters; eval mode; ``progress(fraction)`` after each chunk."""
    d1, d2 = (d.float() for d in directions)
    c = flat_params(net) if center is None else center.float()
    a, b = np.meshgrid(np.asarray(alphas, np.float32), np.asarray(betas, np.float32))
    a, b = torch.from_numpy(a.ravel()), torch.from_numpy(b.ravel())
    was = net.training
    net.train(False)
    try:
        losses = _losses_of(net, x, y)
        # the first layer of a plane: z(c + a d1 + b d2) = z(c) + a z(d1) + b z(d2) (biases included, all linear)
        zc, z_a, z_b = _first_layer(net, torch.stack([c, d1, d2]), x) if _fast(net) else (None, None, None)
        basis = torch.stack([c, d1, d2])  # (3, P)
        z_basis = None if zc is None else torch.stack([zc, z_a, z_b]).reshape(3, -1)  # (3, w n)
        out = torch.empty(len(a), dtype=torch.float64)
        for start in range(0, len(a), chunk):
            s = slice(start, start + chunk)
            # (G, P) weight sets of this chunk: one batched forward for all of them
            # (G, 3) coefficients of (centre, d1, d2): one small GEMM writes each block in a single pass
            coef = torch.stack([torch.ones(len(a[s])), a[s], b[s]], dim=1)
            flat = coef @ basis
            if zc is None:
                out[s] = losses(flat).double()
            else:
                out[s] = losses(flat, (coef @ z_basis).reshape(len(coef), *zc.shape)).double()
            if progress is not None:
                progress(min(start + chunk, len(a)) / len(a))
    finally:
        net.train(was)
    return out.reshape(len(betas), len(alphas)).numpy()


@dataclass(frozen=True)
class PCA:
    """Top principal directions of a weight history (Li et al. Sec. 7)."""

    directions: np.ndarray  # (k, P) unit rows, float64
    explained_variance: np.ndarray  # (r,) every component's variance, r = rank bound min(T, P)
    total_variance: float  # trace of the covariance of the differences (== explained_variance.sum())

    @property
    def ratio(self) -> np.ndarray:
        """(k,) share of the total variance along each returned direction."""
        return self.explained_variance[:len(self.directions)] / self.total_variance


def pca_directions(history: np.ndarray, final: np.ndarray, k: int = 2, mask: np.ndarray | None = None) -> PCA:
    """PCA of the differences history - final (T, P) (rows: recorded weights), centred as scikit-learn's PCA does
    (Li et al.'s setup_PCA_directions); columns where ``mask`` is False (biases, BN) are zeroed first."""
    m = np.asarray(history, np.float64) - np.asarray(final, np.float64)
    if mask is not None:
        m = m * np.asarray(mask, bool)
    m = m - m.mean(axis=0)
    # Economy SVD through the (T, T) Gram matrix: T is tens of records, P tens of thousands of weights.
    evals, evecs = np.linalg.eigh(m @ m.T)
    order = np.argsort(evals)[::-1]
    evals, evecs = np.clip(evals[order], 0.0, None), evecs[:, order]
    n = max(len(m) - 1, 1)
    dirs = []
    for j in range(k):
        v = m.T @ evecs[:, j]
        norm = np.linalg.norm(v)
        dirs.append(v / norm if norm > 0 else v)
    total = float((m ** 2).sum() / n)
    return PCA(np.array(dirs), evals / n, total)


def project(points: np.ndarray, center: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """Coordinates (T, k) of points (T, P) in the frame centred on ``center`` spanned by directions (k, P): least
    squares, so non-orthogonal (random) directions are handled too (Li et al.'s project_2D 'lstsq')."""
    diff = np.asarray(points, np.float64) - np.asarray(center, np.float64)
    d = np.asarray(directions, np.float64)
    coef, *_ = np.linalg.lstsq(d.T, diff.T, rcond=None)
    return coef.T
