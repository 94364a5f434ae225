"""AppTest of promises 3 and 4 in the "BN's promises" tab: opened by URL with their settings, a bad link value
as one sentence, a run in a background job whose claims and chart read the result."""

import json
import time

import pytest
import torch

from tests.apptest import chart_specs, open_page
from views.histograms.promises import bias, regularizer, section

torch.set_num_threads(1)  # as app.py sets it
PAGE = "views/histograms/page.py"


def _open(promise, **query):
    return open_page(PAGE, timeout=120, query={"htab": section.TAB, "promise": promise, **query})


def _result(at, name, timeout=120.0):
    """Rerun the page (as the job's poller would) until this session holds experiment ``name``'s result."""
    key, end = f"promise_{name}_result", time.monotonic() + timeout
    while key not in at.session_state and time.monotonic() < end:
        time.sleep(0.5)
        at.run()
    assert key in at.session_state, "the job did not finish"
    return at.session_state[key]


@pytest.mark.parametrize(("label", "module", "query", "keys"), [
    (section.REGULARIZER, regularizer, {"reg_n": "100", "reg_bs": "20", "reg_p": "0.3", "reg_lr": "0.03"},
     {"reg_n": 100, "reg_bs": 20, "reg_p": 0.3, "reg_lr": 0.03}),
    (section.BIAS, bias, {"bias_opt": "Adam", "bias_wd": "0.001", "bias_act": "tanh", "bias_steps": "100"},
     {"bias_opt": "adam", "bias_wd": 1e-3, "bias_act": "tanh", "bias_steps": 100}),
])
def test_a_link_opens_the_experiment_with_its_settings(label, module, query, keys):
    at = _open(label, **query)
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.radio(key=section.KEY).value == label
    assert module.INTRO[:60] in " ".join(m.value for m in at.markdown)
    for k, v in keys.items():
        assert at.session_state[k] == v, k
    assert any("Press **Run experiment**" in i.value for i in at.info)
    assert any(c.value.startswith(("4 networks ×", "2 float64 networks ×")) for c in at.caption)


def test_bad_settings_are_one_sentence_each():
    at = _open(section.REGULARIZER, reg_n="7")  # not a mark of the slider: the link notice
    assert not at.exception
    assert any("Training examples" in i.value for i in at.info)
    assert at.session_state["reg_n"] == regularizer.RegularizationConfig().n_train  # the default instead
    at = _open(section.REGULARIZER, reg_n="20", reg_bs="50")  # a batch larger than the subset
    assert not at.exception and not at.error
    assert any("must not exceed the 20 training examples" in w.value for w in at.warning)
    assert not any(b.label == "Run experiment" for b in at.button)


@pytest.mark.parametrize(("label", "module", "query"), [
    (section.REGULARIZER, regularizer, {"reg_steps": "100", "reg_n": "20"}),
    (section.BIAS, bias, {"bias_steps": "50"}),
])
def test_run_draws_the_chart_and_the_claims_read_the_result(label, module, query):
    at = _open(label, **query)
    next(b for b in at.button if b.label == "Run experiment").click().run()
    assert not at.exception and not at.error
    result = _result(at, module.NAME)
    steps = next(int(v) for k, v in query.items() if k.endswith("steps"))
    assert result.complete and result.config.setup.steps == steps
    shown = " ".join(m.value for m in at.markdown)
    sentences = module.claims(result)
    assert sentences and all(s in shown for s in sentences)
    specs = [json.loads(s) for s in chart_specs(at)]
    names = {t.get("name") for s in specs for t in s["data"]}
    want = {"plain", "BN + dropout"} if module is regularizer else {"with the linear bias", "without it"}
    assert want <= names
