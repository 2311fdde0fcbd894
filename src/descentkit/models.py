"""The model of chapters 3 to 7: the straight line ``y_hat = b + w x``, and its best fit.

Defined in chapter 3 (predictions), chapter 4 (the least-squares line, the known minimum
that runs are measured against) and chapter 5 (undoing a standardization). Its loss, the
mean squared error, and the loss's gradient and Hessian live in :mod:`descentkit.losses`.
Parameters are a length-2 array ``theta = (b, w)`` wherever an optimiser needs them.

Chapter 9 leaves the line for two models whose losses are not quadratic:

- **logistic regression**, ``p = sigmoid(b + X w)``, the probability of label 1, with
  ``theta = (b, w_1, ..., w_d)`` (:func:`sigmoid`, :func:`logistic_proba`,
  :func:`logistic_predict`; its cross-entropy is in :mod:`descentkit.losses`);
- a **small neural network** in torch, ``d`` inputs, one hidden layer of ``H`` tanh units
  and one output, whose parameters are one flat vector, so that a ``(K, P)`` tensor holds
  ``K`` networks trained at once (:func:`mlp_init`, :func:`mlp_logits`,
  :func:`mlp_layers`, :func:`mlp_to_module`), and the filter-normalised directions of
  loss-landscape plots (:func:`mlp_filters`, :func:`filter_normalized_direction`).

torch is imported only by the functions that need it.
"""

from __future__ import annotations

import math

import numpy as np

from .validation import (
    check_finite_array,
    check_finite_scalar,
    check_int,
    check_positive,
    check_xy,
)

__all__ = [
    "predict",
    "least_squares_line",
    "least_squares",
    "unscale_params",
    "sigmoid",
    "logistic_proba",
    "logistic_predict",
    "mlp_num_params",
    "mlp_layers",
    "mlp_init",
    "mlp_logits",
    "mlp_to_module",
    "mlp_filters",
    "filter_normalized_direction",
]


def predict(b, w, x):
    """Predictions ``b + w * x`` of the line with intercept ``b`` and slope ``w``.

    Introduced in chapter 3.

    Examples
    --------
    >>> predict(1.0, 2.0, [0.0, 0.5])
    array([1., 2.])
    """
    b = check_finite_scalar(b, "b")
    w = check_finite_scalar(w, "w")
    x = check_finite_array(x, "x")
    return b + w * x


def least_squares_line(x, y):
    """The minimum ``(b*, w*)`` of the MSE of ``b + w x``.

    Introduced in chapter 4 as the known minimum that runs are measured against. Setting
    the gradient of the MSE to zero gives ``w* = cov(x, y) / var(x)`` and
    ``b* = mean(y) - w* mean(x)`` (computed from centred data, as scikit-learn does).

    Returns
    -------
    ndarray, shape (2,)
        ``(b*, w*)``.

    Examples
    --------
    >>> least_squares_line([0.0, 1.0, 2.0], [1.0, 3.0, 5.0])
    array([1., 2.])
    """
    x, y = check_xy(x, y)
    xc = x - x.mean()
    var = float(np.mean(xc * xc))
    if var == 0:
        raise ValueError(
            "x must not be constant: with one x value the line's slope is not determined"
        )
    w = float(np.mean(xc * (y - y.mean())) / var)
    return np.array([float(y.mean()) - w * float(x.mean()), w])


def least_squares(X, y):
    """The minimum ``(b*, w_1*, ..., w_d*)`` of the MSE of ``b + X @ w``.

    Introduced in chapter 5, for two correlated features: the known minimum that runs
    are measured against. It solves the least-squares problem for the design matrix
    ``A = [1, X]`` (a column of ones, then one column per feature) with
    :func:`numpy.linalg.lstsq`; for one feature it is :func:`least_squares_line`.

    Parameters
    ----------
    X : array_like, shape (N, d)
        One row per example, one column per feature.
    y : array_like, shape (N,)
        The targets.

    Returns
    -------
    ndarray, shape (d + 1,)
        ``(b*, w_1*, ..., w_d*)``.

    Examples
    --------
    >>> least_squares([[0.0, 1.0], [1.0, 0.0], [1.0, 1.0]], [1.0, 2.0, 4.0])
    array([-1.,  3.,  2.])
    """
    X = check_finite_array(X, "X", ndim=2)
    y = check_finite_array(y, "y", ndim=1)
    if len(y) != len(X):
        raise ValueError(f"y must have one entry per row of X ({len(X)}), got {len(y)}")
    A = np.column_stack([np.ones(len(X)), X])
    if np.linalg.matrix_rank(A) < A.shape[1]:
        raise ValueError(
            "X must have linearly independent columns (and no constant one): "
            "otherwise the minimum is not unique"
        )
    return np.linalg.lstsq(A, y, rcond=None)[0]


def unscale_params(b_scaled, w_scaled, mean, scale):
    """Turn a line fitted on standardized ``z = (x - mean) / scale`` back into the units of ``x``.

    Introduced in chapter 5. From ``b_s + w_s (x - mean) / scale = b + w x``:
    ``w = w_s / scale`` and ``b = b_s - w_s mean / scale``.

    Parameters
    ----------
    b_scaled, w_scaled : float
        Intercept and slope found on the standardized feature.
    mean, scale : float
        The standardization's statistics (``StandardScaler.mean_[0]`` and ``.scale_[0]``).

    Returns
    -------
    b, w : float
    """
    b_scaled = check_finite_scalar(b_scaled, "b_scaled")
    w_scaled = check_finite_scalar(w_scaled, "w_scaled")
    mean = check_finite_scalar(mean, "mean")
    scale = check_positive(scale, "scale")
    w = w_scaled / scale
    return b_scaled - w * mean, w


# --------------------------------------------------------------------------- chapter 9


def _sigmoid(z):
    """``1 / (1 + exp(-z))`` without overflow: only ``exp`` of non-positive numbers."""
    e = np.exp(-np.abs(z))
    denominator = 1.0 + e
    return np.where(z >= 0, 1.0 / denominator, e / denominator)


def sigmoid(z):
    """The logistic function ``1 / (1 + exp(-z))``, which turns a score into a probability.

    Introduced in chapter 9. Computed without overflow for large ``|z|``; vectorised.

    Examples
    --------
    >>> sigmoid([0.0, 800.0, -800.0])
    array([0.5, 1. , 0. ])
    """
    z = check_finite_array(z, "z", min_size=1)
    out = _sigmoid(z)
    return float(out) if out.ndim == 0 else out


def _check_theta_X(theta, X):
    X = check_finite_array(X, "X", ndim=2)
    theta = check_finite_array(theta, "theta", ndim=1)
    if theta.size != X.shape[1] + 1:
        raise ValueError(
            f"theta must hold the intercept and one weight per feature, "
            f"{X.shape[1] + 1} numbers, got {theta.size}"
        )
    return theta, X


def logistic_proba(theta, X):
    """Probabilities ``sigmoid(b + X w)`` of label 1 under logistic regression.

    Introduced in chapter 9. ``theta = (b, w_1, ..., w_d)``; ``X`` has shape ``(N, d)``.

    Examples
    --------
    >>> logistic_proba([0.0, 2.0], [[0.0], [1.0]]).round(4)
    array([0.5   , 0.8808])
    """
    theta, X = _check_theta_X(theta, X)
    return _sigmoid(theta[0] + X @ theta[1:])


def logistic_predict(theta, X):
    """Predicted labels of logistic regression: 1 where ``b + X w > 0`` (``p > 1/2``), else 0.

    Introduced in chapter 9.

    Examples
    --------
    >>> logistic_predict([-1.0, 2.0], [[0.0], [1.0]])
    array([0, 1])
    """
    theta, X = _check_theta_X(theta, X)
    return (theta[0] + X @ theta[1:] > 0).astype(int)


def _check_sizes(num_inputs, hidden):
    return (check_int(num_inputs, "num_inputs", minimum=1), check_int(hidden, "hidden", minimum=1))


def mlp_num_params(num_inputs=2, hidden=16) -> int:
    """Number of parameters ``(num_inputs + 2) * hidden + 1`` of the network of :func:`mlp_init`.

    Introduced in chapter 9.

    Examples
    --------
    >>> mlp_num_params(2, 16)
    65
    """
    num_inputs, hidden = _check_sizes(num_inputs, hidden)
    return (num_inputs + 2) * hidden + 1


def _hidden_of(num_params, num_inputs):
    hidden, rest = divmod(num_params - 1, num_inputs + 2)
    if rest or hidden < 1:
        raise ValueError(
            f"a network with {num_inputs} inputs has (num_inputs + 2) * hidden + 1 "
            f"parameters; {num_params} is not of that form"
        )
    return hidden


def mlp_layers(theta, num_inputs=2):
    """The layers of flat network parameters, as views: ``W1, b1, w2, b2``.

    Introduced in chapter 9. The flat vector of one network is, in this order,

    - ``W1``, shape ``(num_inputs, hidden)``: the weights into the hidden units, row by
      row (entry ``[i, j]`` connects input ``i`` to hidden unit ``j``);
    - ``b1``, shape ``(hidden,)``: the hidden units' biases;
    - ``w2``, shape ``(hidden,)``: the weights from the hidden units to the output;
    - ``b2``, shape ``(1,)``: the output's bias.

    Works on numpy arrays and torch tensors, of shape ``(P,)`` (one network) or ``(K, P)``
    (``K`` networks: every layer gets a leading axis of length ``K``). The layers are
    views: writing into them writes into ``theta``.

    Examples
    --------
    >>> W1, b1, w2, b2 = mlp_layers(np.arange(9.0), num_inputs=2)  # 2 hidden units
    >>> W1, b1, w2, b2
    (array([[0., 1.],
           [2., 3.]]), array([4., 5.]), array([6., 7.]), array([8.]))
    """
    num_inputs = check_int(num_inputs, "num_inputs", minimum=1)
    shape = tuple(theta.shape)
    if len(shape) not in (1, 2):
        raise ValueError(
            f"theta must be 1-D (one network) or 2-D (one network per row), got shape {shape}"
        )
    d, H = num_inputs, _hidden_of(shape[-1], num_inputs)
    lead = shape[:-1]
    return (
        theta[..., : d * H].reshape(lead + (d, H)),
        theta[..., d * H : (d + 1) * H],
        theta[..., (d + 1) * H : (d + 2) * H],
        theta[..., (d + 2) * H :],
    )


def mlp_init(seeds, *, num_inputs=2, hidden=16, scale=1.0, dtype=None):
    """Initial parameters of one network per seed, as PyTorch initialises ``nn.Linear``.

    Introduced in chapter 9. Row ``k`` holds exactly the weights that
    ``torch.manual_seed(seeds[k])`` followed by ``nn.Linear(num_inputs, hidden)`` and
    ``nn.Linear(hidden, 1)`` would draw (uniform in ``+-1/sqrt(fan_in)``), multiplied by
    ``scale``, in the flat layout of :func:`mlp_layers`. Each seed has its own
    ``torch.Generator``: the global torch random state is not touched.

    Parameters
    ----------
    seeds : sequence of int
        One network per seed, ``>= 0``.
    num_inputs, hidden : int
        Inputs and hidden units.
    scale : float, default 1
        Multiplies every initial parameter; a small scale starts near the saddle point at 0.
    dtype : torch.dtype, optional
        Default ``torch.float32`` (the numbers are drawn in float32, as ``nn.Linear`` does,
        then converted).

    Returns
    -------
    torch.Tensor, shape (len(seeds), mlp_num_params(num_inputs, hidden))
    """
    import torch

    num_inputs, hidden = _check_sizes(num_inputs, hidden)
    scale = check_finite_scalar(scale, "scale")
    if isinstance(seeds, (str, bytes)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a sequence of whole numbers, got {seeds!r:.80}")
    seeds = [check_int(s, "seeds", minimum=0) for s in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got an empty sequence")
    dtype = torch.float32 if dtype is None else dtype
    if not isinstance(dtype, torch.dtype) or not dtype.is_floating_point:
        raise TypeError(f"dtype must be a floating-point torch.dtype, got {dtype!r}")

    def linear(fan_in, fan_out, gen):
        # nn.Linear.reset_parameters, with a generator of our own
        weight = torch.empty(fan_out, fan_in)
        torch.nn.init.kaiming_uniform_(weight, a=math.sqrt(5), generator=gen)
        bound = 1 / math.sqrt(fan_in)
        return weight, torch.empty(fan_out).uniform_(-bound, bound, generator=gen)

    rows = []
    for seed in seeds:
        gen = torch.Generator().manual_seed(seed)
        W1, b1 = linear(num_inputs, hidden, gen)
        w2, b2 = linear(hidden, 1, gen)
        rows.append(torch.cat([W1.T.reshape(-1), b1, w2.reshape(-1), b2]))
    return (torch.stack(rows) * scale).to(dtype)


def mlp_logits(thetas, X):
    """Outputs (logits) ``z = b2 + w2 . tanh(X W1 + b1)`` of ``K`` networks on ``N`` examples.

    Introduced in chapter 9. ``sigmoid(z)`` is each network's probability of label 1.
    All networks are computed together, with one matrix product for the hidden layer.

    Parameters
    ----------
    thetas : torch.Tensor, shape (K, P)
        One network per row, in the layout of :func:`mlp_layers`; the number of hidden
        units follows from ``P`` and the number of inputs, ``X.shape[1]``.
    X : torch.Tensor, shape (N, num_inputs)

    Returns
    -------
    torch.Tensor, shape (K, N)
    """
    import torch

    from .losses import _check_tensor

    thetas = _check_tensor(thetas, "thetas", 2)
    X = _check_tensor(X, "X", 2)
    if X.dtype != thetas.dtype:
        raise TypeError(f"X and thetas must have the same dtype, got {X.dtype} and {thetas.dtype}")
    (K, P), (N, d) = thetas.shape, X.shape
    H = _hidden_of(P, d)
    W1, b1, w2, b2 = mlp_layers(thetas, num_inputs=d)
    # all K hidden layers in one product: (N, d) @ (d, K * H)
    W = W1.permute(1, 0, 2).reshape(d, K * H)
    hidden = torch.tanh(torch.addmm(b1.reshape(K * H), X, W)).reshape(N, K, H)
    # then each network's output layer: (K, N, H) @ (K, H, 1)
    return torch.bmm(hidden.transpose(0, 1), w2[:, :, None])[..., 0] + b2


def mlp_to_module(theta, num_inputs=2):
    """The network of one flat parameter vector as the usual ``nn.Sequential``.

    Introduced in chapter 9: ``nn.Sequential(nn.Linear(num_inputs, H), nn.Tanh(),
    nn.Linear(H, 1))`` holding (copies of) the weights of ``theta``, so that its output on
    ``X`` equals ``mlp_logits(theta[None], X)[0]``.
    """
    import torch

    from .losses import _check_tensor

    theta = _check_tensor(theta, "theta", 1)
    W1, b1, w2, b2 = mlp_layers(theta.detach(), num_inputs=num_inputs)
    H = b1.shape[0]
    module = torch.nn.Sequential(
        torch.nn.Linear(num_inputs, H), torch.nn.Tanh(), torch.nn.Linear(H, 1)
    ).to(theta.dtype)
    with torch.no_grad():
        module[0].weight.copy_(W1.T)
        module[0].bias.copy_(b1)
        module[2].weight.copy_(w2[None, :])
        module[2].bias.copy_(b2)
    return module


def mlp_filters(num_inputs=2, hidden=16):
    """The filters of the flat network layout, for :func:`filter_normalized_direction`.

    Introduced in chapter 9. A *filter* is the set of weights that feed one unit: for
    hidden unit ``j`` the column ``W1[:, j]``, for the output the vector ``w2``. Returns
    ``hidden + 1`` index arrays into the flat vector; the biases belong to none.

    Examples
    --------
    >>> [f.tolist() for f in mlp_filters(num_inputs=2, hidden=2)]
    [[0, 2], [1, 3], [6, 7]]
    """
    num_inputs, hidden = _check_sizes(num_inputs, hidden)
    units = [np.arange(num_inputs) * hidden + j for j in range(hidden)]
    return units + [np.arange((num_inputs + 1) * hidden, (num_inputs + 2) * hidden)]


def filter_normalized_direction(theta, filters, *, rng):
    """A random direction in parameter space, scaled filter by filter to the parameters.

    Introduced in chapter 9, for slices of the loss landscape as in Li et al. (2018):
    draw a Gaussian direction ``d``, then rescale the part of ``d`` on each filter to the
    norm of ``theta`` on that filter, ``d_f <- d_f / ||d_f|| * ||theta_f||``; entries in no
    filter (the biases) get 0. A step of size 1 along ``d`` then changes every unit's
    weights by as much as they are large, so slices of differently scaled networks, or
    of a network whose units differ in scale, can be compared.

    Parameters
    ----------
    theta : array_like, shape (P,)
        The parameters (a point of the landscape).
    filters : sequence of index arrays
        Disjoint groups of indices into ``theta`` (e.g. :func:`mlp_filters`; for logistic
        regression ``[np.arange(1, d + 1)]``, the weights, with the intercept left out).
    rng : numpy.random.Generator

    Returns
    -------
    ndarray, shape (P,)
    """
    theta = check_finite_array(theta, "theta", ndim=1)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"rng must be a numpy.random.Generator, got {rng!r:.80}")
    if isinstance(filters, (str, bytes)) or not hasattr(filters, "__iter__"):
        raise TypeError(f"filters must be a sequence of index arrays, got {filters!r:.80}")
    direction = np.zeros_like(theta)
    used = np.zeros(theta.size, dtype=bool)
    for idx in filters:
        idx = np.asarray(idx)
        if (
            idx.ndim != 1
            or idx.size == 0
            or not np.issubdtype(idx.dtype, np.integer)
            or idx.min() < 0
            or idx.max() >= theta.size
        ):
            raise ValueError(
                f"filters must hold non-empty 1-D integer index arrays into theta "
                f"(size {theta.size}), got {idx!r:.80}"
            )
        if used[idx].any() or np.unique(idx).size != idx.size:
            raise ValueError("filters must be disjoint: an index appears twice")
        used[idx] = True
        r = rng.normal(size=idx.size)
        direction[idx] = r / np.linalg.norm(r) * np.linalg.norm(theta[idx])
    return direction
