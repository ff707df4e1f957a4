"""The Gaussian process of `bo` (agents/gaussian_process.h) against an independent one:
scikit-learn's GaussianProcessRegressor with the same kernel (Matern nu = 5/2, one lengthscale
per coordinate, unit signal variance), the same noise on the diagonal and no hyperparameter
optimisation. Posterior means, standard deviations and log marginal likelihoods must agree."""
import numpy as np
import pytest
from sklearn.gaussian_process import GaussianProcessRegressor
from sklearn.gaussian_process.kernels import Matern

from accelgym import _core

JITTER = 1e-9  # agents/gaussian_process.cc adds it to the noise, as scikit-learn's alpha


def reference(inputs, targets, lengthscales, noise, points):
    kernel = Matern(length_scale=lengthscales, length_scale_bounds="fixed", nu=2.5)
    gp = GaussianProcessRegressor(kernel=kernel, alpha=noise + JITTER, optimizer=None,
                                  normalize_y=False)
    gp.fit(inputs, targets)
    mean, sd = gp.predict(points, return_std=True)
    return mean, sd, gp.log_marginal_likelihood_value_


@pytest.mark.parametrize("n, dims, noise", [(5, 1, 1e-6), (40, 3, 1e-3), (200, 12, 0.05)])
def test_predictions_equal_scikit_learn(n, dims, noise):
    rng = np.random.default_rng(n)
    inputs = rng.random((n, dims))
    # A smooth function plus noise, standardised as bo standardises its rewards.
    targets = np.sin(3 * inputs).sum(axis=1) + 0.1 * rng.standard_normal(n)
    targets = (targets - targets.mean()) / targets.std()
    lengthscales = rng.uniform(0.2, 2.0, dims)
    # Points near and far from the data, and the data itself (sd there is the noise's share).
    points = np.vstack([rng.random((60, dims)), inputs[:10], rng.random((5, dims)) * 50 + 100])

    mean, sd, lml = _core._gaussian_process_predict(inputs, targets, lengthscales, noise, points)
    want_mean, want_sd, want_lml = reference(inputs, targets, lengthscales, noise, points)

    np.testing.assert_allclose(mean, want_mean, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(sd, want_sd, rtol=1e-5, atol=1e-5)
    assert lml == pytest.approx(want_lml, rel=1e-7, abs=1e-6)
    # Far from every observation the posterior is the prior: mean 0, sd 1.
    assert np.abs(mean[-5:]).max() < 1e-3 and np.abs(sd[-5:] - 1).max() < 1e-3


def test_one_hot_coordinates_share_nothing_special():
    """Categorical knobs are one-hot coordinates of the same lengthscale: the kernel is the
    plain ARD Matern on them, as scikit-learn computes it."""
    inputs = np.array([[1, 0, 0, 0.5], [0, 1, 0, 0.5], [0, 0, 1, 0.0], [1, 0, 0, 1.0]], float)
    targets = np.array([0.3, -1.2, 0.9, 0.0])
    lengthscales = np.array([0.7, 0.7, 0.7, 0.3])
    points = np.array([[0, 1, 0, 1.0], [1, 0, 0, 0.25]], float)
    mean, sd, lml = _core._gaussian_process_predict(inputs, targets, lengthscales, 1e-4, points)
    want_mean, want_sd, want_lml = reference(inputs, targets, lengthscales, 1e-4, points)
    np.testing.assert_allclose(mean, want_mean, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(sd, want_sd, rtol=1e-6, atol=1e-8)
    assert lml == pytest.approx(want_lml, rel=1e-9)
