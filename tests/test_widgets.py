"""descentkit.widgets: the data each interactive figure gets, its HTML, and its helpers.

The browser side (that the JavaScript computes what the package computes) is
tests/test_widgets_browser.py; here: what the package exports, without a browser.
"""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import numpy as np
import pytest
import yaml

import descentkit as dk
from descentkit.curvature import curvature, heavy_ball_optimal
from descentkit.data import make_linear_data, make_roller_coaster, reference_initial_params
from descentkit.losses import mse_hessian
from descentkit.optim import descend, minibatch_sgd, momentum_descent
from descentkit.rules import Adam, RMSProp
from descentkit.widgets import (
    SITE_URL,
    STATE_KEYS,
    Widget,
    heavy_ball_rate,
    heavy_ball_regime,
    noise_ball_readout,
    widget_batches,
)

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "book" / "_static" / "widgets"
THETA0 = np.array(reference_initial_params())
DATA = make_linear_data()
BAD = make_linear_data(x_scale=10, true_w=0.2)


def valleys(kappa):
    """Chapter 8's two valleys with condition number kappa: rotated, and along the axes."""
    r = (kappa - 1) / (kappa + 1)
    return 2 * np.array([[1.0, r], [r, 1.0]]), np.diag([2 * (1 + r), 2 * (1 - r)])


START_ROT = np.array([-2.0, 1.0])
START_AXES = np.array([[1.0, 1.0], [1.0, -1.0]]).T / np.sqrt(2) @ START_ROT


def breast_cancer():
    """Chapter 9's split of the breast-cancer data, its scaler and its penalty."""
    from sklearn.datasets import load_breast_cancer
    from sklearn.model_selection import train_test_split
    from sklearn.preprocessing import StandardScaler

    X_all, y_all = load_breast_cancer(return_X_y=True)
    X_train_raw, X_val_raw, y_train, y_val = train_test_split(
        X_all, y_all, test_size=0.25, stratify=y_all, random_state=0
    )
    scaler = StandardScaler().fit(X_train_raw)
    return X_train_raw, y_train, X_val_raw, y_val, scaler, 1 / len(y_train)


def f(x):
    return x**2 - 4 * x + 5


def df(x):
    return 2 * x - 4


def all_widgets():
    return [
        dk.widgets.learning_rate_explorer(f, df, x0=7.0),
        dk.widgets.seven_steps_explorer(*make_roller_coaster(seed=0), [0.1, -0.2, 0.3]),
        dk.widgets.start_point_explorer(DATA.x_train, DATA.y_train, THETA0),
        dk.widgets.learning_rate_map(DATA.x_train, DATA.y_train, THETA0),
        dk.widgets.feature_scaling_explorer(DATA.x_train, DATA.y_train, THETA0),
        dk.widgets.noise_ball_explorer(DATA.x_train, DATA.y_train, THETA0),
        dk.widgets.momentum_explorer(BAD.x_train, BAD.y_train, THETA0),
        dk.widgets.adaptive_explorer(
            {k: valleys(k) for k in (10, 100, 1000)}, START_AXES, START_ROT
        ),
        dk.widgets.logistic_rate_explorer(*breast_cancer()),
    ]


@pytest.fixture(scope="module")
def widgets():
    return all_widgets()


def test_site_url_is_the_books_baseurl():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    assert SITE_URL == config["html"]["baseurl"]


def test_every_widget_has_its_script_its_state_keys_and_a_unique_id(widgets):
    ids = [w.widget_id for w in widgets]
    assert len(set(ids)) == len(ids) == 9
    assert set(ids) == set(STATE_KEYS)
    for w in widgets:
        assert (SCRIPTS / f"dk-{w.kind}.js").is_file(), f"no script for the kind {w.kind}"
        assert re.fullmatch(r"ch0[1-9]-[a-z]+", w.widget_id)
        assert w.page.startswith(f"book/{w.widget_id[2:4]}_")
        script = (SCRIPTS / f"dk-{w.kind}.js").read_text()
        for key in STATE_KEYS[w.widget_id]:  # each documented key is read back from the hash
            assert f"s.{key}" in script, f"{w.kind}: the hash key {key!r} is not applied"


def test_html_holds_the_data_exactly_and_a_note_with_the_link(widgets):
    for w in widgets:
        page = w.html()
        assert page.count('class="dk-widget"') == 1 and f'id="{w.widget_id}"' in page
        payload = re.search(
            r'<script type="application/json" class="dk-data">(.*?)</script>', page, re.S
        ).group(1)
        assert json.loads(payload.replace("<\\/", "</")) == w.data
        assert f'href="{SITE_URL}{w.page}.html#{w.widget_id}"' in page
        assert w.url in repr(w) and w._repr_html_() == page
        assert "NaN" not in payload and "Infinity" not in payload


#: Chapter 9's widget carries its data set (the breast-cancer measurements as they are, so
#: that the page computes exactly what the package does): it may weigh more.
DATA_BUDGET = {"ch09-logistic": 60_000}


def test_data_stays_small(widgets):
    for w in widgets:
        limit = DATA_BUDGET.get(w.widget_id, 12_000)
        assert len(gzip.compress(w.html().encode())) < limit, f"{w.widget_id}: the data is heavy"


def test_scripts_stay_small():
    """A page loads the framework, the styles and its kinds' scripts: a few kB compressed."""
    size = {p.name: len(gzip.compress(p.read_bytes())) for p in SCRIPTS.iterdir()}
    shared = size["dk-core.js"] + size["dk-widgets.css"]
    assert shared < 14_000, f"framework and styles: {shared} bytes compressed"
    assert (
        max(
            v
            for k, v in size.items()
            if k.startswith("dk-") and k != "dk-core.js" and k.endswith(".js")
        )
        < 5_000
    )
    for p in SCRIPTS.glob("*.js"):
        text = p.read_text()
        assert not re.search(r"https?://(?!www\.w3\.org/2000/svg)", text), (
            f"{p.name} names another host"
        )


def test_the_parabola_is_read_from_f_and_checked_against_df():
    w = dk.widgets.learning_rate_explorer(f, df, x0=7.0)
    assert (w.data["a"], w.data["b"], w.data["c"]) == (1.0, -4.0, 5.0)
    assert (w.data["minimum"], w.data["curvature"]) == (2.0, 2.0)
    assert 0.5 in w.data["rates"] and 1.0 in w.data["rates"] and 0.3 in w.data["rates"]
    with pytest.raises(ValueError, match="not a parabola"):
        dk.widgets.learning_rate_explorer(lambda x: x**4, lambda x: 4 * x**3, x0=1.0)
    with pytest.raises(ValueError, match="not the derivative"):
        dk.widgets.learning_rate_explorer(f, lambda x: 2 * x, x0=7.0)
    with pytest.raises(ValueError, match="opens upwards"):
        dk.widgets.learning_rate_explorer(lambda x: -(x**2), lambda x: -2 * x, x0=1.0)
    with pytest.raises(TypeError):
        dk.widgets.learning_rate_explorer(f, df, x0="7")


def test_the_chapters_numbers_are_in_the_data(widgets):
    by_id = {w.widget_id: w for w in widgets}
    c4 = curvature(mse_hessian(DATA.x_train))
    d4 = by_id["ch04-rate"].data
    assert d4["bound"] == c4.max_stable_lr and d4["eigenvalues"] == c4.eigenvalues.tolist()
    assert d4["one_step"] == 1 / c4.lam_max and {0.2, 0.8, 1.1} <= set(d4["rates"])
    d7 = by_id["ch07-momentum"].data
    mu, L = curvature(mse_hessian(BAD.x_train)).eigenvalues
    assert round(d7["kappa"]) == 112 and d7["lr"] == 1 / L
    assert (
        d7["polyak"]["lr"],
        d7["polyak"]["momentum"],
        d7["polyak"]["rate"],
    ) == heavy_ball_optimal(mu, L)
    assert 0.9 in d7["betas"] and d7["rates"][-1] > 2 * 1.99 / L
    d6 = by_id["ch06-noise"].data
    assert all(80 % b == 0 for b in d6["batch_sizes"]) and d6["num_steps"] % 80 == 0
    d5 = by_id["ch05-scaling"].data
    assert 10.0 in d5["scales"] and 0.0 in d5["offsets"] and d5["scale"] == 10.0


def test_chapter_8s_widget_holds_the_chapters_valleys():
    w = dk.widgets.adaptive_explorer({k: valleys(k) for k in (10, 100)}, START_AXES, START_ROT)
    d = w.data
    # one budget for every kappa (the chapter's), so that counts compare across kappa
    assert d["kappas"] == [10, 100] and d["budget"] == 6200
    assert all("budget" not in p for p in d["problems"].values())
    # RMSProp's alpha and Adam's beta2 are two settings, with the chapter's (torch's) defaults
    assert (d["alpha"], d["beta2"]) == (RMSProp().alpha, Adam().beta2) == (0.99, 0.999)
    for k in ("10", "100"):
        axes, rot = d["problems"][k]["axes"], d["problems"][k]["rotated"]
        assert axes["kappa"] == pytest.approx(int(k)) == rot["kappa"]
        # the best diagonal scaling: 1 along the axes, nothing gained when rotated
        assert axes["kappa_diag"] == pytest.approx(1) and rot["kappa_diag"] == pytest.approx(int(k))
        assert rot["hessian"] == valleys(int(k))[0].tolist()
    assert d["starts"]["rotated"] == START_ROT.tolist() and {0.5, 1.0} <= set(d["rates"])
    assert d["eps"] == {"adagrad": 1e-10, "rmsprop": 1e-8, "adam": 1e-8}
    for method in ("gd", "adagrad", "rmsprop", "adam"):
        assert dk.widgets.adaptive_rule(method).name == dk.widgets.ADAPTIVE_METHODS[method]
    assert dk.widgets.adaptive_rule("rmsprop", alpha=0.9).alpha == 0.9
    assert dk.widgets.adaptive_rule("rmsprop", beta2=0.9).alpha == 0.99  # Adam's, not RMSProp's
    assert dk.widgets.adaptive_rule("adam", alpha=0.9).beta2 == 0.999
    assert not dk.widgets.adaptive_rule("adam", bias_correction=False).bias_correction
    with pytest.raises(ValueError, match="method"):
        dk.widgets.adaptive_rule("sgd")
    with pytest.raises(ValueError, match="kappa"):
        dk.widgets.adaptive_explorer({10: valleys(10)}, START_AXES, START_ROT, kappa=100)
    with pytest.raises(ValueError, match="budget"):
        dk.widgets.adaptive_explorer({10: valleys(10)}, START_AXES, START_ROT, kappa=10, budget=0)
    with pytest.raises(TypeError, match="budget"):
        dk.widgets.adaptive_explorer({10: valleys(10)}, START_AXES, START_ROT, kappa=10, budget=6.5)


def test_chapter_8s_widget_counts_as_the_chapter():
    """The chapter's claim, from the widget's own rule: AdaGrad needs the same steps on the
    valley along the axes for every kappa, and many more on the rotated one."""
    counts = {}
    for k in (10, 100, 1000):
        H_rot, H_axes = valleys(k)
        for shape, H, x0 in (("axes", H_axes, START_AXES), ("rotated", H_rot, START_ROT)):
            run = descend(lambda e, H=H: H @ e, x0, 1.0, rule=dk.widgets.adaptive_rule("adagrad"),
                          num_steps=6200)
            counts[k, shape] = run.steps_within(1e-3, minimum=[0.0, 0.0])
    assert len({counts[k, "axes"] for k in (10, 100, 1000)}) == 1
    assert all(counts[k, "rotated"] > 3 * counts[k, "axes"] for k in (10, 100, 1000))


def test_chapter_2s_rate_slider_is_fine_near_the_bound():
    """The rates go up in steps of 8 to 15 % (the E24 series, near-even in log), hold
    the chapter's rates, and two neighbours straddle the largest stable rate."""
    t, speed = make_roller_coaster(num_seconds=20, seed=0)
    d = dk.widgets.seven_steps_explorer(t, speed, [0.1, -0.2, 0.3]).data
    rates = np.array(d["rates"])
    assert np.all(np.diff(rates) > 0) and len(rates) > 40
    assert np.max(rates[1:] / rates[:-1]) < 1.16  # E24 steps: 8 % to 15 %
    assert {1e-5, 2e-5, 3e-5, 3.5e-5, 4e-5} <= set(d["rates"])
    below = rates[rates < d["bound"]].max()
    above = rates[rates > d["bound"]].min()
    assert above / below < 1.05  # 3.5e-5 and 3.6e-5 around 2 / lambda_max = 3.54e-5


def test_chapter_9s_widget_exports_the_data_as_descentkit_uses_it():
    X_raw, y, X_val_raw, y_val, scaler, l2 = breast_cancer()
    d = dk.widgets.logistic_rate_explorer(X_raw, y, X_val_raw, y_val, scaler, l2).data
    X = np.array(d["X"])
    assert np.array_equal(X, X_raw) and np.array_equal(np.array(d["X_val"]), X_val_raw)
    # the page's standardization, (x - mean) / scale, is scikit-learn's to the last bit
    standardized = (X - np.array(d["mean"])) / np.array(d["scale"])
    assert np.array_equal(standardized, scaler.transform(X_raw))
    H0 = dk.losses.cross_entropy_hessian(np.zeros(31), standardized, y, l2)
    assert d["sets"]["standardized"]["safe_lr"] == dk.curvature.max_stable_lr(H0)
    for name in ("standardized", "raw"):
        s = d["sets"][name]
        assert s["safe_lr"] < s["local_lr"]
        assert s["eight_over"] == pytest.approx(s["safe_lr"], rel=1e-3)  # a small penalty
    # the chapter's numbers: 16 < 2/S(theta*) / safe < 32, the accuracy 95.8% at the minimum
    std = d["sets"]["standardized"]
    assert 16 < std["local_lr"] / std["safe_lr"] < 32
    assert round(std["val_acc_star"] * 143) == 137
    assert {0.99, 4.0, 16.0, 32.0, 64.0} <= set(d["rates"])


def test_chapter_9s_widget_says_repels_only_where_the_run_is_pushed_away():
    """The widget's rule (dk-logistic.js), on the package's runs: above the local limit a
    run on standardized features comes near theta* and is pushed away; on raw features
    every run stays about as far from theta* as it started, so nothing repels it."""
    from threadpoolctl import threadpool_limits

    X_raw, y, X_val_raw, y_val, scaler, l2 = breast_cancer()
    with threadpool_limits(limits=1):  # as the chapter computes
        d = dk.widgets.logistic_rate_explorer(X_raw, y, X_val_raw, y_val, scaler, l2).data
    for name, X in (("standardized", scaler.transform(X_raw)), ("raw", X_raw)):
        s = d["sets"][name]
        star = np.array(s["theta_star"])
        grad = dk.losses.cross_entropy_gradient_of(X, y, l2)
        assert np.linalg.norm(grad(star)) < 1e-10 * max(1.0, np.linalg.norm(grad(0 * star)))
        for rate in (32.0, 64.0):
            assert rate * s["safe_lr"] > s["local_lr"]
            with threadpool_limits(limits=1):
                run = dk.optim.descend(grad, np.zeros(31), rate * s["safe_lr"], num_steps=1500)
            dist = np.linalg.norm(run.params - star, axis=1)
            repelled = dist.min() < dist[0] / 2 and dist[-1] > 2 * dist.min()
            assert repelled == (name == "standardized" and rate == 32.0), (name, rate)
            if name == "raw":
                assert dist.min() > 0.99 * dist[0]  # never nearer than at the start


def test_chapter_9s_widget_no_rate_settles_on_raw_features():
    """The widget says so on raw features: at no rate of its slider does the run settle
    (excess loss below ``settled``) within its budget."""
    from threadpoolctl import threadpool_limits

    X_raw, y, X_val_raw, y_val, scaler, l2 = breast_cancer()
    d = dk.widgets.logistic_rate_explorer(X_raw, y, X_val_raw, y_val, scaler, l2).data
    s = d["sets"]["raw"]
    f = dk.losses.cross_entropy_of(X_raw, y, l2)
    grad = dk.losses.cross_entropy_gradient_of(X_raw, y, l2)
    for rate in d["rates"]:
        with threadpool_limits(limits=1):
            run = dk.optim.descend(grad, np.zeros(31), rate * s["safe_lr"],
                                   num_steps=d["num_steps"], f=f)
        assert np.nanmin(run.losses) - s["loss_star"] > d["settled"], rate


def test_widget_arguments_are_checked():
    with pytest.raises(ValueError, match="divide"):
        dk.widgets.noise_ball_explorer(DATA.x_train, DATA.y_train, THETA0, batch_size=3)
    with pytest.raises(ValueError, match="start"):
        dk.widgets.learning_rate_map(DATA.x_train, DATA.y_train, [1.0, 2.0, 3.0])
    with pytest.raises(ValueError):
        dk.widgets.momentum_explorer(BAD.x_train, BAD.y_train, THETA0, lr=-1)
    with pytest.raises(ValueError, match="params0"):
        dk.widgets.seven_steps_explorer(*make_roller_coaster(seed=0), [1.0, 2.0])
    X_raw, y, X_val_raw, y_val, scaler, l2 = breast_cancer()
    with pytest.raises(ValueError, match="label"):
        dk.widgets.logistic_rate_explorer(X_raw, y[:-1], X_val_raw, y_val, scaler, l2)
    with pytest.raises(ValueError, match="start"):
        dk.widgets.adaptive_explorer({10: valleys(10)}, [1.0], START_ROT, kappa=10)


# --------------------------------------------------------------------------- heavy ball's rate


def test_heavy_ball_rate_at_polyaks_optimum_is_the_factor():
    for mu, L in [(1.0, 9.0), (0.5787, 64.8), (1.0, 1000.0)]:
        lr, beta, factor = heavy_ball_optimal(mu, L)
        g = heavy_ball_regime(lr, beta, [mu, L])
        assert g["rate"] == pytest.approx(factor, rel=1e-12)
        assert g["regime"] == "double root"
        # and Polyak's parameters beat their neighbours
        for dl, db in [(1.05, 1), (0.95, 1), (1, 1.02), (1, 0.98)]:
            assert heavy_ball_rate(lr * dl, min(beta * db, 0.999), [mu, L]) > factor


def test_heavy_ball_rate_without_momentum_is_gradient_descents():
    lams = [0.3, 2.0]
    for lr in [0.1, 0.5, 0.9, 1.2]:
        assert heavy_ball_rate(lr, 0.0, lams) == pytest.approx(
            max(abs(1 - lr * lam) for lam in lams), rel=1e-14
        )
    assert heavy_ball_regime(0.1, 0.0, lams)["regime"] == "real roots"
    assert heavy_ball_regime(0.9, 0.0, [2.0])["regime"] == "negative real roots"
    assert heavy_ball_regime(1.0, 0.0, [2.0])["regime"] == "does not converge"
    assert heavy_ball_regime(1.1, 0.0, [0.1, 2.0])["regime"] == "diverges"


def test_heavy_ball_rate_is_what_a_run_measures():
    """On a diagonal quadratic the error of momentum_descent shrinks by the factor per step."""
    lams = np.array([0.6, 64.0])
    for lr, beta in [(0.02, 0.5), (0.01, 0.95), (0.03, 0.2), (0.05, 0.7), (0.03, 0.0)]:
        g = heavy_ball_regime(lr, beta, lams)
        n = int(np.clip(25 / -np.log(g["rate"]), 40, 1000))  # 25 e-folds: far from underflow
        run = momentum_descent(lambda v: lams * v, [1.0, 1.0], lr, 3 * n, momentum=beta)
        dist = np.linalg.norm(run.params, axis=1)
        # the largest distance over a window: an oscillating error has zeros in between
        w = max(n // 5, 20)
        measured = (dist[2 * n : 2 * n + w].max() / dist[n : n + w].max()) ** (1 / n)
        assert measured == pytest.approx(g["rate"], rel=5e-3), (lr, beta, g)
    assert heavy_ball_regime(0.01, 0.95, lams)["regime"] == "complex roots"
    diverging = heavy_ball_regime(0.07, 0.9, lams)
    assert diverging["regime"] == "diverges" and diverging["rate"] > 1
    assert momentum_descent(lambda v: lams * v, [1.0, 1.0], 0.07, 3000, momentum=0.9).diverged


def test_heavy_ball_regime_checks_its_arguments():
    with pytest.raises(ValueError, match="momentum"):
        heavy_ball_regime(0.1, 1.0, [1.0])
    with pytest.raises(ValueError, match="lr"):
        heavy_ball_regime(-0.1, 0.5, [1.0])


# --------------------------------------------------------------------------- the widget's batches


def test_widget_batches_reshuffle_every_epoch_or_draw_with_replacement():
    epochs = widget_batches(80, 16, 3, seed=7)
    assert [len(e) for e in epochs] == [5, 5, 5]
    for e in epochs:
        assert sorted(np.concatenate(e).tolist()) == list(range(80))
    assert not np.array_equal(np.concatenate(epochs[0]), np.concatenate(epochs[1]))
    drawn = widget_batches(80, 16, 2, seed=7, replacement=True)
    assert [len(e) for e in drawn] == [5, 5] and all(len(b) == 16 for e in drawn for b in e)
    assert len(set(np.concatenate(drawn[0]).tolist())) < 80  # with replacement: repeats
    again = widget_batches(80, 16, 3, seed=7)
    assert all(np.array_equal(a, b) for ea, eb in zip(epochs, again) for a, b in zip(ea, eb))


def test_widget_batches_are_mulberry32():
    """Pinned values, the same as DK.batches in dk-core.js gives (the browser test compares)."""
    assert [b.tolist() for b in widget_batches(10, 5, 1, seed=0)[0]] == [
        [3, 8, 6, 4, 5],
        [9, 7, 1, 0, 2],
    ]
    assert widget_batches(10, 4, 1, seed=1, replacement=True)[0][0].tolist() == [6, 0, 5, 9]


def test_widget_batches_replay_through_minibatch_sgd():
    grad = dk.losses.mse_gradient_of(DATA.x_train, DATA.y_train)
    order = widget_batches(80, 8, 4, seed=3)
    run = minibatch_sgd(
        grad, THETA0, 0.1, num_samples=80, batch_size=8, num_epochs=4, batch_order=order
    )
    assert run.num_steps == 40 and run.epochs.tolist() == [e for e in range(4) for _ in range(10)]


def _sgd(lr, batch_size, replacement=False, num_steps=800):
    epochs = num_steps * batch_size // 80
    order = widget_batches(80, batch_size, epochs, seed=0, replacement=replacement)
    grad = dk.losses.mse_gradient_of(DATA.x_train, DATA.y_train)
    return minibatch_sgd(
        grad, THETA0, lr, num_samples=80, batch_size=batch_size, num_epochs=epochs,
        batch_order=order,
    )


def test_noise_ball_is_reported_only_once_the_run_has_arrived():
    x, y = DATA.x_train, DATA.y_train
    star = dk.models.least_squares_line(x, y)
    # lr 0.1, B = 1 (the widget's default): the average path is long there, the cloud remains
    ball = noise_ball_readout(_sgd(0.1, 1), x, y, THETA0, 0.1)
    assert ball["settled"] and ball["radius"] == ball["rms"] and ball["drift"] < 0.1 * ball["rms"]
    assert ball["rms"] == dk.stochastic.distance_to(_sgd(0.1, 1), star, from_epoch=5)
    # lr 0.005 (learner B's case): after 800 steps the run is still on its way
    slow = noise_ball_readout(_sgd(0.005, 1), x, y, THETA0, 0.005)
    assert not slow["settled"] and slow["radius"] is None and slow["rms"] > 1
    # B = 80 reshuffled is gradient descent: the drift is the whole distance, no noise ball
    full = noise_ball_readout(_sgd(0.2, 80), x, y, THETA0, 0.2)
    assert not full["settled"] and full["drift"] == pytest.approx(full["rms"], rel=1e-9)
    # drawn with replacement, B = 80 is noisy again and settles
    assert noise_ball_readout(_sgd(0.2, 80, replacement=True), x, y, THETA0, 0.2)["settled"]


def test_noise_ball_widget_default_settles_for_every_batch_below_n():
    """At the widget's default rate and steps every B < N reports a radius (with 800 steps,
    B >= 8 said 'not settled yet'); B = N reshuffled stays gradient descent, no ball."""
    x, y = DATA.x_train, DATA.y_train
    d = dk.widgets.noise_ball_explorer(x, y, THETA0).data
    lr, steps = d["lr"], d["num_steps"]
    for B in d["batch_sizes"]:
        ball = noise_ball_readout(_sgd(lr, B, num_steps=steps), x, y, THETA0, lr)
        assert ball["settled"] == (B < 80), (B, ball)
    # the radius still shrinks with the batch (B = 1 against B = 40)
    small = noise_ball_readout(_sgd(lr, 1, num_steps=steps), x, y, THETA0, lr)["radius"]
    large = noise_ball_readout(_sgd(lr, 40, num_steps=steps), x, y, THETA0, lr)["radius"]
    assert large < small / 5


# --------------------------------------------------------------------------- the chapters' cells


CALL = re.compile(r"^dk\.widgets\.(\w+)\(")


@pytest.mark.parametrize(
    "notebook", sorted((ROOT / "book").glob("0[1-9]_*.ipynb")), ids=lambda p: p.stem
)
def test_each_chapter_has_one_short_widget_cell_right_after_its_static_figure(notebook):
    cells = json.loads(notebook.read_text())["cells"]
    calls = [
        i
        for i, c in enumerate(cells)
        if c["cell_type"] == "code" and CALL.match("".join(c["source"]))
    ]
    assert len(calls) == 1, f"{notebook.name}: {len(calls)} widget cells"
    i = calls[0]
    source = "".join(cells[i]["source"])
    assert len(source.splitlines()) <= 2 and max(len(line) for line in source.splitlines()) <= 79
    assert CALL.match(source).group(1) in dk.widgets.__all__
    assert not cells[i].get("metadata", {}).get("tags"), "the widget cell is shown as it is"
    before = [c for c in cells[:i] if c["cell_type"] == "code"][-1]
    figure = before.get("metadata", {}).get("mystnb", {}).get("figure", {}).get("name")
    assert figure, f"{notebook.name}: the widget cell does not follow a figure cell"
    intro = cells[i - 1]
    if intro["cell_type"] == "markdown":
        assert (
            len("".join(intro["source"])) < 400
            and f"{{numref}}`{figure}`" in "".join(intro["source"])
            or "Try it" in "".join(intro["source"])
        )


def test_the_extension_adds_assets_only_where_widgets_are(monkeypatch):
    import widgets as ext

    body = (
        '<div class="dk-widget" id="ch01-rate" data-dk-kind="rate-1d">'
        '<div class="dk-widget" id="x" data-dk-kind="momentum">'
        '<div class="dk-widget" id="y" data-dk-kind="rate-1d">'
    )
    assert ext.kinds_in(body) == ["rate-1d", "momentum"]
    assert ext.kinds_in("<p>no widget</p>") == []

    class App:
        def __init__(self):
            self.js, self.css = [], []

        def add_js_file(self, name, **kw):
            self.js.append((name, kw))

        def add_css_file(self, name, **kw):
            self.css.append(name)

    app = App()
    ext._page_assets(app, "book/01", "page.html", {"body": body}, None)
    assert [n for n, _ in app.js] == [
        "d3/d3-modules.min.js",
        "widgets/dk-core.js",
        "widgets/dk-rate-1d.js",
        "widgets/dk-momentum.js",
    ]
    assert all(kw.get("defer") for _, kw in app.js) and app.css == ["widgets/dk-widgets.css"]
    quiet = App()
    ext._page_assets(quiet, "book/intro", "page.html", {"body": "<p>text</p>"}, None)
    assert quiet.js == [] and quiet.css == []
    warnings = []
    monkeypatch.setattr(ext.logger, "warning", lambda msg, **kw: warnings.append(msg))
    ext._page_assets(
        App(),
        "book/99",
        "page.html",
        {"body": '<div class="dk-widget" id="z" data-dk-kind="nope">'},
        None,
    )
    assert warnings and "nope" in warnings[0]


def test_widget_is_a_plain_record():
    w = Widget("rate-1d", "ch01-rate", "a title", "book/01_derivatives", {"a": 1.0})
    assert w.url == f"{SITE_URL}book/01_derivatives.html#ch01-rate"
    assert w.to_json() == '{"a":1.0}'
    with pytest.raises(ValueError):
        Widget("k", "i", "t", "p", {"a": float("nan")}).to_json()
