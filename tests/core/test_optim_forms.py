"""Every registered optimizer carries every form of its rule, in its family's module, and the forms agree."""

import inspect

import numpy as np
import pytest

from core.optim import engine, float_loop
from core.optim.plugged import plugged
from core.optim.presets import default_lr, lr_choices
from core.optim.registry import FAMILIES, OPTIMIZERS
from core.optim.run import run
from core.optim.spec import Rule
from core.optim.state import step_size
from core.surfaces.registry import SURFACES, get_surface

SURF = get_surface("quadratic", kappa=30.0, angle=25.0)
FORMS = ("step", "step_py", "plugged", "step_size")


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_form_is_written_in_the_family_module(name):
    spec = OPTIMIZERS[name]
    family = next((f for f in FAMILIES if spec in f.SPECS), None)
    assert family is not None, f"{name} is in no module of FAMILIES"
    assert isinstance(spec.rule, Rule) and spec.rule is family.RULE
    for form in FORMS:
        fn = getattr(spec.rule, form)
        assert callable(fn) and inspect.getmodule(fn) is family, f"{name}: {form} is not written in {family.__name__}"
    assert spec.step_tex and spec.direction and spec.latex and spec.note
    assert set(spec.state_names) - {"effective_lr"} <= set(spec.rule.state), "a recorded buffer the rule never keeps"
    assert spec.second is None or spec.second in spec.defaults


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_the_forms_take_the_same_first_steps(name):
    lr = 0.5 if name == "adadelta" else 1e-2
    configs = [(name, {"lr": lr})]
    batch = engine.prepare(configs, np.array([[-2.5, 2.0]]), 3)
    rows = engine.Stepper(batch.groups, batch.p0, SURF.grad_into)
    floats = float_loop.loop(engine.prepare(configs, np.array([[-2.5, 2.0]]), 3), SURF.bound, 3, SURF.grad_into,
                             None)[0]
    for t in (1, 2, 3):
        np.testing.assert_array_equal(rows.step(t)[0][0], floats[t, 0], err_msg=f"step {t}")
    traj = run(name, SURF, (-2.5, 2.0), 3, lr=lr)
    np.testing.assert_array_equal(traj.points[3], floats[3, 0])
    for k in range(3):
        np.testing.assert_allclose(plugged(traj, k).result, traj.points[k + 1], rtol=1e-12, atol=1e-15)
    size = step_size(traj)
    assert size.shape == (4, 2) and np.isnan(size[0]).all() and np.isfinite(size[1:]).all()


@pytest.mark.parametrize("name", list(OPTIMIZERS))
def test_every_optimizer_starts_the_race_on_a_slider_stop(name):
    """A new optimizer needs no lr table entry: it starts at torch's default lr, which the lr slider offers."""
    for surface in [*SURFACES, "custom"]:
        assert default_lr(surface, name) in lr_choices()
