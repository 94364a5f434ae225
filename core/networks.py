"""Network builder: an MLP or a small CNN of identical blocks, each linear -> [norm] -> activation -> [norm].

>>> net = build(NetSpec(in_features=64, n_classes=10, depth=3, width=100, norm="batch"), seed=0)
>>> net(torch.zeros(5, 64)).shape
torch.Size([5, 10])

Each ``Block`` keeps its activation module as ``block.act`` so a forward hook on it sees the pre-activation
(its input) and the post-activation (its output); ``block.linear`` holds the layer's weight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn

__all__ = ["ACTIVATIONS", "INITS", "NORMS", "NetSpec", "Net", "Block", "build", "copy_shared_weights"]

ACTIVATIONS = {
    "sigmoid": nn.Sigmoid, "tanh": nn.Tanh, "relu": nn.ReLU, "leaky_relu": nn.LeakyReLU, "elu": nn.ELU,
    "gelu": nn.GELU,
}
INITS = {
    "normal_0.01": "weights ~ 0.01 * N(0, 1)",
    "normal_1": "weights ~ N(0, 1)",
    "xavier": "Xavier/Glorot normal, std = sqrt(2 / (fan_in + fan_out))",
    "he": "He/Kaiming normal, std = sqrt(2 / fan_in)",
    "orthogonal": "orthogonal matrix (Saxe et al.)",
    "default": "PyTorch's default (Kaiming uniform with a = sqrt(5))",
}
NORMS = {"none": "no normalization", "batch": "batch norm", "layer": "layer norm", "group": "group norm"}
PLACEMENTS = ("before", "after")
DEPTH, WIDTH = (1, 20), (8, 512)


@dataclass(frozen=True)
class NetSpec:
    """Architecture of one network; two specs differing only in ``norm`` give a comparable pair."""

    in_features: int  # d of the flattened input (n, d)
    n_classes: int
    depth: int = 3  # hidden blocks
    width: int = 100  # units (MLP) or channels (CNN) per block
    activation: str = "sigmoid"
    init: str = "xavier"
    norm: str = "none"
    placement: str = "before"  # the BN paper normalizes the activation's input and drops the linear bias
    residual: bool = False  # x + block(x) for blocks whose input and output widths agree
    dropout: float = 0.0
    groups: int | None = None  # group norm groups; None = the largest divisor of width that is <= 8
    image_shape: tuple[int, int] | None = None  # (H, W) for the CNN; rows of x reshape to (1, H, W)
    arch: str = "mlp"  # "mlp" or "cnn"

    def validate(self) -> None:
        """Raise ValueError with a student-readable sentence for any unusable setting."""
        _in_range("Depth", self.depth, *DEPTH)
        _in_range("Width", self.width, *WIDTH)
        _one_of("activation", self.activation, ACTIVATIONS)
        _one_of("initialization", self.init, INITS)
        _one_of("normalization", self.norm, NORMS)
        _one_of("placement", self.placement, PLACEMENTS)
        _one_of("architecture", self.arch, ("mlp", "cnn"))
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"Dropout p must be in [0, 1), got {self.dropout}.")
        if self.norm == "group" and self.width % self.n_groups:
            raise ValueError(f"Group norm needs the width ({self.width}) to be a multiple of the number of "
                             f"groups ({self.n_groups}).")
        if self.arch == "cnn" and (self.image_shape is None or math.prod(self.image_shape) != self.in_features):
            raise ValueError("The CNN needs image data (such as digits); use the MLP for 2-D points.")

    @property
    def n_groups(self) -> int:
        """Groups used by group norm."""
        return self.groups or max(g for g in range(1, 9) if self.width % g == 0)

    @property
    def linear_bias(self) -> bool:
        """False when a norm right after the linear map would cancel its bias anyway."""
        return self.norm == "none" or self.placement == "after"


def _in_range(name: str, v: int, lo: int, hi: int) -> None:
    if not (isinstance(v, int) and lo <= v <= hi):
        raise ValueError(f"{name} must be a whole number from {lo} to {hi}, got {v}.")


def _one_of(what: str, v: str, known) -> None:
    if v not in known:
        raise ValueError(f"Unknown {what} {v!r}; choose one of {', '.join(known)}.")


class SeededDropout(nn.Module):
    """Inverted dropout drawing its masks from the network's own generator (reproducible, session-private)."""

    def __init__(self, p: float, generator: torch.Generator):
        super().__init__()
        self.p, self.generator = p, generator

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        keep = torch.rand(x.shape, generator=self.generator) >= self.p
        return x * keep / (1.0 - self.p)


class Block(nn.Module):
    """linear (or 3x3 conv) -> norm before or after the activation -> dropout -> optional skip."""

    def __init__(self, spec: NetSpec, fan_in: int, generator: torch.Generator):
        super().__init__()
        w, cnn = spec.width, spec.arch == "cnn"
        bias = spec.linear_bias
        self.linear = nn.Conv2d(fan_in, w, 3, padding=1, bias=bias) if cnn else nn.Linear(fan_in, w, bias=bias)
        self.norm = _norm(spec, cnn)
        self.act = ACTIVATIONS[spec.activation]()
        self.drop = SeededDropout(spec.dropout, generator)
        self.before = spec.placement == "before"
        self.skip = spec.residual and fan_in == w

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        z = self.linear(x)
        if self.before:
            z = self.norm(z)
        a = self.act(z)
        if not self.before:
            a = self.norm(a)
        a = self.drop(a)
        return x + a if self.skip else a


def _norm(spec: NetSpec, cnn: bool) -> nn.Module:
    w = spec.width
    if spec.norm == "batch":
        return nn.BatchNorm2d(w) if cnn else nn.BatchNorm1d(w)
    if spec.norm == "layer":  # over every feature of a sample: GroupNorm with one group does that for images
        return nn.GroupNorm(1, w) if cnn else nn.LayerNorm(w)
    if spec.norm == "group":
        return nn.GroupNorm(spec.n_groups, w)
    return nn.Identity()


class Net(nn.Module):
    """Hidden ``blocks`` then a linear readout to class logits; input x (n, in_features), output (n, n_classes)."""

    def __init__(self, spec: NetSpec, generator: torch.Generator):
        super().__init__()
        self.spec = spec
        cnn = spec.arch == "cnn"
        fans = [1 if cnn else spec.in_features] + [spec.width] * spec.depth
        self.blocks = nn.ModuleList(Block(spec, fans[i], generator) for i in range(spec.depth))
        self.head = nn.Linear(spec.width, spec.n_classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if self.spec.arch == "cnn":
            x = x.reshape(len(x), 1, *self.spec.image_shape)
        for block in self.blocks:
            x = block(x)
        if self.spec.arch == "cnn":
            x = x.mean(dim=(2, 3))  # global average pool over the 8x8 positions
        return self.head(x)


def _init_layer(layer: nn.Module, init: str, g: torch.Generator) -> None:
    w, b = layer.weight, layer.bias
    if init == "default":  # torch's reset_parameters, but drawing from our generator
        nn.init.kaiming_uniform_(w, a=math.sqrt(5), generator=g)
        if b is not None:
            bound = 1 / math.sqrt(nn.init._calculate_fan_in_and_fan_out(w)[0])
            nn.init.uniform_(b, -bound, bound, generator=g)
        return
    if init == "normal_0.01":
        nn.init.normal_(w, 0.0, 0.01, generator=g)
    elif init == "normal_1":
        nn.init.normal_(w, 0.0, 1.0, generator=g)
    elif init == "xavier":
        nn.init.xavier_normal_(w, generator=g)
    elif init == "he":
        nn.init.kaiming_normal_(w, nonlinearity="relu", generator=g)
    else:
        nn.init.orthogonal_(w, generator=g)
    if b is not None:
        nn.init.zeros_(b)


@torch.no_grad()
def build(spec: NetSpec, seed: int = 0, generator: torch.Generator | None = None) -> Net:
    """A freshly initialized network; the same spec and seed always give the same weights."""
    spec.validate()
    g = generator or torch.Generator().manual_seed(int(seed))
    net = Net(spec, g)
    for layer in [b.linear for b in net.blocks] + [net.head]:
        _init_layer(layer, spec.init, g)
    return net


@torch.no_grad()
def copy_shared_weights(src: Net, dst: Net) -> None:
    """Give ``dst`` the weights (and biases where both have them) of ``src``; norm layers are left alone."""
    for a, b in zip(list(src.blocks) + [src.head], list(dst.blocks) + [dst.head], strict=True):
        la, lb = (a.linear, b.linear) if isinstance(a, Block) else (a, b)
        lb.weight.copy_(la.weight)
        if la.bias is not None and lb.bias is not None:
            lb.bias.copy_(la.bias)
