"""The chapters' concept questions ("Check your understanding"), read as the site reads them.

Each chapter notebook holds its questions in one Markdown cell (cell metadata
``descentkit.quiz``), parsed by ``_ext/quiz.py``'s :func:`quiz.parse_quiz`: the same
function the site's build uses, so what is checked here is what the site shows and what a
downloaded notebook shows. Three kinds of checks:

- **shape**: one quiz cell per chapter, just before "## Exercises", 3 to 5 questions, every
  multiple-choice question with exactly one correct option and feedback for every option,
  every numeric question with one correct number, a positive tolerance, feedback for the
  known mistakes and for any other number; no MyST syntax (a notebook would show it raw);
- **the parser** refuses the mistakes an author can make (two correct options, a missing
  feedback, a mistake within the tolerance of the answer, ...);
- **the facts**: every number a question states or expects is computed here, from the
  formula the question gives or with the package function the chapter uses.
"""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

import descentkit as dk
from course_tree import cell_source, chapters
from descentkit.curvature import curvature
from descentkit.data import make_linear_data, reference_initial_params
from descentkit.losses import mse_gradient, mse_gradient_of, mse_hessian, mse_of
from descentkit.models import least_squares_line
from descentkit.optim import gradient_descent, momentum_descent, run_to_tolerance
from quiz import QuizFormatError, is_quiz_cell, parse_quiz, quiz_cells, quiz_id

CHAPTERS = chapters()
MYST = re.compile(
    r"\{(term|numref|ref|cite|glue|doc|eq|math)[:}`]|^:::|^```|\{[a-z-]+\}`", re.MULTILINE
)


def _notebook(path):
    return json.loads(path.read_text())


def _quiz(num: str):
    path = next(p for p in CHAPTERS if p.name.startswith(num + "_"))
    ((_, cell),) = quiz_cells(_notebook(path))
    return parse_quiz(cell_source(cell))


def _question(num: str, n: int):
    return _quiz(num).questions[n - 1]


def _correct_letter(q) -> str:
    return next(o.letter for o in q.options if o.correct)


# --------------------------------------------------------------------------- shape


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_one_quiz_cell_just_before_the_exercises(path):
    cells = _notebook(path)["cells"]
    found = quiz_cells({"cells": cells})
    assert len(found) == 1, f"{path.name}: {len(found)} quiz cells (want one)"
    index, cell = found[0]
    assert cell_source(cell).startswith("## Check your understanding\n")
    following = next(c for c in cells[index + 1 :] if c["cell_type"] == "markdown")
    assert cell_source(following).lstrip().startswith("## Exercises"), (
        f"{path.name}: the quiz cell must come just before the Exercises heading"
    )


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_question_has_one_answer_and_feedback_for_every_option(path):
    ((_, cell),) = quiz_cells(_notebook(path))
    quiz = parse_quiz(cell_source(cell))  # raises QuizFormatError on any format problem
    assert 3 <= len(quiz.questions) <= 5, f"{path.name}: {len(quiz.questions)} questions"
    for q in quiz.questions:
        where = f"{path.name} question {q.number}"
        assert q.stem.strip(), where
        if q.kind == "choice":
            assert len(q.options) >= 3, f"{where}: only {len(q.options)} options"
            assert sum(o.correct for o in q.options) == 1, where
            for o in q.options:
                assert o.text.strip() and len(o.feedback.split()) >= 6, (
                    f"{where} option {o.letter}: feedback too short"
                )
        else:
            assert q.tolerance > 0 and math.isfinite(q.answer), where
            assert sum(a.correct for a in q.answers) == 1, where
            assert q.answers[-1].value is None, f"{where}: no feedback for any other number"
            assert len(q.answers) >= 3, f"{where}: name at least one known mistake"
            for a in q.answers:
                assert len(a.feedback.split()) >= 6, f"{where} {a.label}: feedback too short"
                if a.value is not None and not a.correct:
                    assert abs(a.value - q.answer) > 2 * q.tolerance, where


@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_the_quiz_reads_in_a_plain_notebook(path):
    """No MyST syntax (JupyterLab and Colab would show it raw); answers behind <details>."""
    ((_, cell),) = quiz_cells(_notebook(path))
    text = cell_source(cell)
    assert not MYST.search(text), (
        f"{path.name}: MyST syntax in the quiz cell: {MYST.search(text).group(0)!r}"
    )
    quiz = parse_quiz(text)
    assert text.count("<details><summary>Answer</summary>") == len(quiz.questions)
    assert text.count("</details>") == len(quiz.questions)
    # every verdict sits inside a <details> block, never in the question or its options
    outside = re.sub(r"<details>.*?</details>", "", text, flags=re.DOTALL)
    assert "Correct." not in outside and "Incorrect." not in outside


def test_quiz_ids_follow_the_chapter_numbers():
    assert quiz_id("book/04_learning_rate") == "ch04-quiz"
    ids = [quiz_id(f"book/{p.stem}") for p in CHAPTERS]
    assert len(set(ids)) == len(ids)


# --------------------------------------------------------------------------- the parser

GOOD = """## Check your understanding

Intro.

**Question 1.** Which?

- **A.** one
- **B.** two

<details><summary>Answer</summary>

- **A. Incorrect.** because.
- **B. Correct.** because.

</details>

**Question 2.** How much?

<details><summary>Answer</summary>

- **10 (within 0.01): Correct.** because.
- **1: Incorrect.** because.
- **Any other number: Incorrect.** hint.

</details>
"""


def test_the_parser_reads_the_documented_format():
    quiz = parse_quiz(GOOD)
    assert quiz.preamble == "## Check your understanding\n\nIntro."
    q1, q2 = quiz.questions
    assert q1.kind == "choice" and [o.letter for o in q1.options] == ["A", "B"]
    assert [o.correct for o in q1.options] == [False, True]
    assert q1.options[1].feedback == "because."
    assert q2.kind == "numeric" and q2.answer == 10 and q2.tolerance == 0.01
    assert [a.value for a in q2.answers] == [10.0, 1.0, None]


@pytest.mark.parametrize(
    "change, message",
    [
        (
            ("- **A. Incorrect.** because.", "- **A. Correct.** because."),
            "exactly one option must be correct",
        ),
        (
            ("- **B. Correct.** because.", "- **B. Incorrect.** because."),
            "exactly one option must be correct",
        ),
        (("- **A. Incorrect.** because.\n", ""), "feedback must cover every option"),
        (("- **B.** two\n", "- **C.** two\n"), "lettered A, B, C"),
        (
            ("- **1: Incorrect.** because.", "- **10.005: Incorrect.** because."),
            "within twice the tolerance",
        ),
        (("- **Any other number: Incorrect.** hint.\n", ""), "Any other number"),
        (("(within 0.01)", "(within 0)"), "tolerance must be positive"),
        (("**Question 2.**", "**Question 3.**"), "numbered 1, 2, 3"),
        (("- **A. Incorrect.** because.", "- **A. Wrong.** because."), "feedback must read"),
    ],
)
def test_the_parser_refuses_what_the_site_could_not_show(change, message):
    old, new = change
    assert old in GOOD
    with pytest.raises(QuizFormatError, match=message):
        parse_quiz(GOOD.replace(old, new, 1))


def test_only_marked_markdown_cells_are_quizzes():
    assert is_quiz_cell(
        {"cell_type": "markdown", "metadata": {"descentkit": {"quiz": True}}, "source": ""}
    )
    assert not is_quiz_cell({"cell_type": "markdown", "metadata": {}, "source": GOOD})
    assert not is_quiz_cell(
        {"cell_type": "code", "metadata": {"descentkit": {"quiz": True}}, "source": ""}
    )


# --------------------------------------------------------------------------- the facts


def _f_prime(x):
    return 2 * x - 4  # chapters 1 and 4: f(x) = x^2 - 4x + 5


def test_ch01_larger_rate_0_7_is_as_fast_as_0_3():
    q = _question("01", 1)
    assert _correct_letter(q) == "D"
    steps = {
        lr: run_to_tolerance(_f_prime, 7.0, lr, minimum=2.0, tol=1e-6).converged_at
        for lr in (0.3, 0.7)
    }
    assert steps[0.3] == steps[0.7]
    assert (
        gradient_descent(_f_prime, x0=7.0, lr=0.7, num_steps=30).final != 2.0
    )  # converging, not done
    bounce = gradient_descent(_f_prime, x0=7.0, lr=1.0, num_steps=4).params
    assert list(bounce) == [7.0, -3.0, 7.0, -3.0, 7.0]


def test_ch01_one_step_from_7():
    q = _question("01", 2)
    one = gradient_descent(_f_prime, x0=7.0, lr=0.25, num_steps=1).final
    assert abs(one - q.answer) <= q.tolerance
    mistakes = {a.value for a in q.answers if not a.correct and a.value is not None}
    assert mistakes == {one - 2, 7 + 0.25 * _f_prime(7.0), 7 - 0.25}


def test_ch01_steepest_descent_misses_the_minimum_of_a_stretched_bowl():
    assert _correct_letter(_question("01", 3)) == "A"
    p, grad = np.array([1.5, 1.0]), np.array([2 * 1.5, 6 * 1.0])
    np.testing.assert_array_equal(grad, [3, 6])
    to_minimum = -p
    cos = -grad @ to_minimum / np.linalg.norm(grad) / np.linalg.norm(to_minimum)
    assert cos < 0.99  # not parallel: steepest descent does not aim at the centre
    assert to_minimum[0] * -2 - to_minimum[1] * -3 == 0  # (-1.5, -1) is parallel to (-3, -2)


def test_ch01_smaller_h_is_not_always_better():
    assert _correct_letter(_question("01", 4)) == "C"
    hs = np.logspace(-13, -1, 49)
    _, central = dk.calculus.difference_errors(np.exp, np.exp, 1.0, hs)
    best = hs[np.argmin(central)]
    assert 1e-7 < best < 1e-4 and central[0] > 100 * central.min()  # the V of the chapter


def test_ch01_cubic_has_a_minimum_and_a_maximum():
    assert _correct_letter(_question("01", 5)) == "B"

    def g(x):
        return x**3 - 3 * x

    assert (g(1), g(-3), 6 * 1, 6 * -1) == (-2, -18, 6, -6)


def test_ch02_chain_rule_number():
    torch = pytest.importorskip("torch")
    q = _question("02", 2)
    w = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    loss = (w * 3.0 + b - 4.0) ** 2
    loss.backward()
    assert abs(w.grad.item() - q.answer) <= q.tolerance
    mistakes = {a.value for a in q.answers if not a.correct and a.value is not None}
    assert mistakes == {b.grad.item(), w.grad.item() / 2, -w.grad.item()}


def test_ch02_centring_brings_kappa_from_over_200000_to_single_figures():
    from descentkit.data import make_roller_coaster

    assert _correct_letter(_question("02", 4)) == "C"
    (c,) = [o for o in _question("02", 4).options if o.letter == "C"]
    assert "from over 200,000 down to single figures" in c.feedback
    t, _ = make_roller_coaster(num_seconds=20, seed=0)
    z = (t - t.mean()) / t.std()

    def kappa(*inputs):
        a = np.column_stack([*inputs, np.ones_like(t)])
        return np.linalg.cond(a.T @ a)

    assert 2e5 < kappa(t**2, t) < 3e5
    assert kappa(z**2, z) < 10


def test_ch02_backward_twice_adds():
    torch = pytest.importorskip("torch")
    assert _correct_letter(_question("02", 1)) == "B"
    w = torch.tensor(2.0, requires_grad=True)
    for _ in range(2):
        ((w * 3.0 + 1.0 - 10.0) ** 2).backward()
    assert w.grad.item() == -36.0


def test_ch03_gradient_of_three_errors():
    q = _question("03", 3)
    x, errors = np.array([0.2, 0.5, 0.9]), np.array([-1.0, 0.0, 4.0])
    b, w = 0.3, 1.7
    y = b + w * x - errors  # so that b + w x - y are the question's errors
    d_b = mse_gradient(b, w, x, y)[0]
    assert abs(d_b - q.answer) <= q.tolerance
    mistakes = {a.value for a in q.answers if not a.correct and a.value is not None}
    assert mistakes == {errors.mean(), 2 * errors.sum(), errors.sum(), -d_b}


def test_ch03_cut_bottom_is_not_the_minimum():
    assert _correct_letter(_question("03", 2)) == "B"
    data = make_linear_data()
    x, y = data.x_train, data.y_train
    _, w0 = reference_initial_params(seed=42)
    b_star, w_star = least_squares_line(x, y)
    assert np.all(x > 0)
    cut_bottom = y.mean() - w0 * x.mean()
    assert abs(mse_gradient(cut_bottom, w0, x, y)[0]) < 1e-12  # the bottom of the b cut
    assert abs(cut_bottom - b_star) > 0.5
    assert y.mean() - w_star * x.mean() == pytest.approx(b_star, abs=1e-12)  # the cut through w*


def test_ch04_fewest_steps_is_one_over_f_second():
    q = _question("04", 1)
    rates = [float(re.search(r"= ([\d.]+)", o.text).group(1)) for o in q.options]
    steps = [
        run_to_tolerance(_f_prime, 7.0, lr, minimum=2.0, tol=1e-6).converged_at for lr in rates
    ]
    assert q.options[int(np.argmin(steps))].correct
    assert steps[0] == steps[2] and steps[3] > steps[0]  # 0.7 ties 0.3; 0.9 is the slowest


def test_ch04_cuts_overestimate_the_safe_rate():
    q = _question("04", 2)
    assert _correct_letter(q) == "B" and "about 0.81" in q.options[1].text
    data = make_linear_data()
    H = mse_hessian(data.x_train)
    c = curvature(H)
    assert round(c.max_stable_lr, 2) == 0.81
    assert H[0, 0] == 2.0 and 2 / H[1, 1] > 1
    assert 1 - 0.9 * c.lam_max < -1
    b0, w0 = reference_initial_params(seed=42)
    run = gradient_descent(
        mse_gradient_of(data.x_train, data.y_train), x0=[b0, w0], lr=0.9, num_steps=2000
    )
    assert run.diverged


def test_ch04_bound_from_eigenvalues():
    q = _question("04", 3)
    c = curvature(np.diag([0.5, 2.0]))
    assert abs(c.max_stable_lr - q.answer) <= q.tolerance
    mistakes = {a.value for a in q.answers if not a.correct and a.value is not None}
    assert mistakes == {2 / c.lam_min, 1 / c.lam_min, 1 / c.lam_max, c.best_fixed_lr}


def test_ch05_ten_times_larger_feature_lowers_the_stable_rate():
    q = _question("05", 1)
    assert _correct_letter(q) == "B"
    original = curvature(mse_hessian(make_linear_data().x_train))
    bad = curvature(mse_hessian(make_linear_data(x_scale=10, true_w=0.2).x_train))
    feedback = q.options[0].feedback
    assert (
        f"about {original.max_stable_lr:.2f}" in feedback
        and f"about {bad.max_stable_lr:.3f}" in feedback
    )
    assert bad.lam_max / original.lam_max > bad.lam_min / original.lam_min  # kappa grows


def test_ch05_ten_times_smaller_feature_also_stretches_the_bowl():
    assert _correct_letter(_question("05", 3)) == "C"
    original = curvature(mse_hessian(make_linear_data().x_train))
    small = curvature(mse_hessian(make_linear_data(x_scale=0.1, true_w=20.0).x_train))
    assert small.condition_number > 10 * original.condition_number


def test_ch05_standardized_line_is_the_same_line():
    assert _correct_letter(_question("05", 2)) == "A"
    data = make_linear_data(x_scale=10, true_w=0.2)
    x, y = data.x_train, data.y_train
    mu, sigma = x.mean(), x.std()
    b_z, w_z = least_squares_line((x - mu) / sigma, y)
    np.testing.assert_allclose(
        [b_z - w_z * mu / sigma, w_z / sigma], least_squares_line(x, y), rtol=1e-10
    )


def test_ch05_steps_grow_like_kappa():
    q = _question("05", 5)
    steps = {k: math.log(1e6) / math.log((k + 1) / (k - 1)) for k in (10, 100)}
    assert abs(steps[100] / steps[10] - q.answer) <= q.tolerance


def test_ch06_variance_ratio():
    q = _question("06", 3)

    def variance(B, N=80):
        return (1 / B) * (N - B) / (N - 1)

    assert abs(variance(1) / variance(16) - q.answer) <= q.tolerance
    mistakes = {a.value for a in q.answers if not a.correct and a.value is not None}
    assert mistakes == {16.0, 4.0, 20.0}

    # the 20 the hint names: B = 16's correction with N = 80 where N - 1 belongs
    assert 16 * 80 / 64 == 20.0 and variance(1) == 1.0


def test_ch06_minibatch_gradient_is_unbiased():
    assert _correct_letter(_question("06", 2)) == "A"
    data = make_linear_data()
    x, y = data.x_train, data.y_train
    theta = reference_initial_params(seed=42)
    full = mse_gradient(*theta, x, y)
    singles = np.array([mse_gradient(*theta, x[[i]], y[[i]]) for i in range(x.size)])
    np.testing.assert_allclose(singles.mean(axis=0), full, rtol=1e-12)  # B = 1, every batch once
    theta_star = least_squares_line(x, y)
    at_min = np.array([mse_gradient(*theta_star, x[[i]], y[[i]]) for i in range(x.size)])
    assert np.abs(at_min).max() > 0.01  # single-example gradients do not vanish at the minimum


def test_ch07_velocity_is_a_sum():
    q = _question("07", 1)
    run = momentum_descent(lambda x: np.ones_like(x), np.zeros(1), 1.0, 200, momentum=0.9)
    velocity = -(run.params[-1] - run.params[-2])[0]  # the last step, with eta = 1
    assert abs(velocity - q.answer) <= q.tolerance
    mistakes = {a.value for a in q.answers if not a.correct and a.value is not None}
    assert mistakes == {1.0, 0.9, round(1 - 0.9, 12)}


def test_ch07_too_much_momentum():
    q = _question("07", 2)
    assert _correct_letter(q) == "C"
    steps = math.ceil(math.log(1e-3) / math.log(math.sqrt(0.99)))
    assert f"about {steps} steps" in q.options[2].feedback
    bad = make_linear_data(x_scale=10, true_w=0.2)
    x, y = bad.x_train, bad.y_train
    grad, loss = mse_gradient_of(x, y), mse_of(x, y)
    L = curvature(mse_hessian(x)).lam_max
    loss_star = loss(least_squares_line(x, y))
    theta0 = np.array(reference_initial_params())
    excess = {
        beta: momentum_descent(grad, theta0, 1 / L, 300, momentum=beta, f=loss).losses[-1]
        - loss_star
        for beta in (0.9, 0.99)
    }
    feedback = q.options[0].feedback
    for beta, power in [(0.99, -2), (0.9, -13)]:
        assert round(math.log10(excess[beta])) == power and f"about $10^{{{power}}}$" in feedback


def test_ch07_scaling_with_kappa():
    assert _correct_letter(_question("07", 3)) == "D"

    def rho_gd(k):
        return (k - 1) / (k + 1)

    def rho_hb(k):
        return (math.sqrt(k) - 1) / (math.sqrt(k) + 1)

    def steps(rho):
        return math.log(1e-6) / math.log(rho)

    assert steps(rho_gd(1000)) / steps(rho_gd(10)) == pytest.approx(100, rel=0.01)
    assert steps(rho_hb(1000)) / steps(rho_hb(10)) == pytest.approx(10, rel=0.1)
