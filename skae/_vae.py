"""VariationalAutoencoder: a generative autoencoder with sampling and a
log-likelihood comparable with probabilistic PCA's."""

import warnings
from numbers import Integral, Real

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.mixture import GaussianMixture
from sklearn.utils import _safe_indexing, check_random_state, metadata_routing
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import _num_samples, check_is_fitted

from skae._base import BaseAutoencoder
from skae._docs import NOTES, SHARED_ATTRIBUTES, SHARED_PARAMETERS
from skae._params import with_shared_parameters
from skae._scaling import scale_rows
from skae._streaming import ScaledRange, blockwise, is_streamed

# The prior is fitted to this many draws per row from the posteriors of at
# most PRIOR_ROWS training rows (evenly spaced): on the letters and digits of
# benchmarks/vae.py, 3 draws gave a higher test log-likelihood than 1 at 10
# components and more (digits, code 32: 68.8 against 67.1 nats).
PRIOR_DRAWS, PRIOR_ROWS = 3, 10_000
# Training rows per component of the prior, at the least.
ROWS_PER_COMPONENT = 10

_LOSS = SHARED_PARAMETERS[
    SHARED_PARAMETERS.index("    loss : ") : SHARED_PARAMETERS.index("    optimizer : ")
]
_SHARED_PARAMETERS = SHARED_PARAMETERS.replace(
    _LOSS,
    """    loss : {"mse", "mae", "binary_crossentropy"}, default="mse"
        The decoder's likelihood, named for the loss it generalises (its
        negative log is that loss when the noise scale is fixed):
        ``"mse"``, Gaussian with a learnt per-feature variance (at least
        ``min_variance``), a density for continuous data; ``"mae"``, Laplace
        with a learnt per-feature variance, likewise; ``"binary_crossentropy"``,
        Bernoulli, for data in [0, 1] (binary images, or grey levels read as
        probabilities), which needs a sigmoid output. See Notes for which
        comparisons each allows.

""",
)
_SHARED_ATTRIBUTES = (
    SHARED_ATTRIBUTES.replace(
        """encoder_ : keras.Model
        Maps scaled inputs to codes; shares its weights with ``model_``.""",
        """encoder_ : keras.Model
        Maps scaled inputs to the posterior's ``[mean, log_variance]``, side
        by side (``2 * encoding_dim`` outputs); shares its weights with
        ``model_``.""",
    ).replace(
        """    history_ : dict of str to list of float
        Per-epoch ``loss`` (and ``val_loss`` with ``early_stopping=True``), as in
        Keras's ``History.history``.""",
        """    history_ : dict of str to list of float
        Per-epoch ``loss``, the negative ELBO per row in nats in the network's
        units (with the warm-up's KL weight), its parts ``reconstruction``
        (``-log p(x | z)``) and ``kl``, and with ``early_stopping=True``
        ``val_loss``, the negative ELBO of the validation rows with the full KL
        term and the same draws every epoch.""",
    )
    + """
    prior_weights_ : ndarray of shape (n_components,)
        Weights of the prior's Gaussian components over the codes (``[1.0]``
        with ``prior="standard"``).

    prior_means_ : ndarray of shape (n_components, encoding_dim)
        Means of the prior's components (zero with ``prior="standard"``).

    prior_covariances_ : ndarray of shape (n_components, encoding_dim, encoding_dim)
        Covariances of the prior's components (the identity with
        ``prior="standard"``), as ``GaussianMixture.covariances_`` with
        ``covariance_type="full"``.
"""
)


class VariationalAutoencoder(BaseAutoencoder):
    __doc__ = f"""Variational autoencoder: a generative model with sampling and a
    log-likelihood in nats.

    The encoder gives each row a Gaussian posterior over the codes (a mean and
    a variance per code unit) and the decoder a likelihood of the row given a
    code. Training maximises the evidence lower bound (ELBO),
    ``E_q[log p(x | z)] - beta * KL(q(z | x) || N(0, I))``, with one
    reparameterised draw per row and step (Kingma and Welling, 2014). Then
    the prior over codes is, by default, refitted to the codes the training
    rows fill (``prior="mixture"``): the model whose samples and likelihood
    the estimator gives is the trained decoder under that prior.
    :meth:`transform` returns the posterior mean (``return_std=True`` adds
    its standard deviation), :meth:`inverse_transform` the decoder's mean in
    the data's units, :meth:`sample` new rows, and
    :meth:`score_samples` an importance-weighted estimate of each row's
    log-likelihood in nats, in the units of the data (Burda et al., 2016), so
    that it compares with :meth:`sklearn.decomposition.PCA.score_samples`.

    Parameters
    ----------
    {_SHARED_PARAMETERS}
    beta : float, default=1.0
        Weight of the KL term (Higgins et al., 2017); 1 is the ELBO, whose
        optimum is the maximum-likelihood model. It is never switched off:
        ``beta`` must be positive.

    kl_warmup : int, default=0
        Number of epochs over which the KL term's weight rises linearly from
        ``beta / kl_warmup`` to ``beta`` (Bowman et al., 2016), which keeps
        the codes in use early in training; 0 trains on the ELBO from the
        start. Early stopping always judges the full ELBO.

    min_variance : float, default=1e-6
        Floor of the decoder's learnt per-feature variance, in the network's
        (scaled) units, as ``reg_covar`` in
        :class:`~sklearn.mixture.GaussianMixture`: without one, a feature the
        decoder predicts exactly (a constant one) has a variance and a density
        that grow without bound. 1e-6 is below the quantisation noise of
        8-bit pixels scaled to [0, 1] (``1 / (12 * 256 ** 2)`` = 1.3e-6).
        Unused with ``loss="binary_crossentropy"``.

    prior : {"mixture", "standard"}, default="mixture"
        The prior over codes that :meth:`sample` draws from and
        :meth:`score_samples` integrates over. ``"mixture"``: after training,
        a Gaussian mixture with full covariances
        (:class:`~sklearn.mixture.GaussianMixture`, ``n_prior_components``)
        fitted to draws from the posteriors of the training rows (their
        "aggregate posterior", the part of the code space the decoder learnt;
        ex-post density estimation, Ghosh et al., 2020). ``N(0, I)`` leaves
        regions that no row's code reaches, whose decoded samples are blurs
        between classes; the mixture's samples look more like the data, and
        the same decoder under it scores a higher log-likelihood
        (``benchmarks/vae.py``). ``"standard"``: ``N(0, I)``, the prior of
        the training objective. The KL term of training is to ``N(0, I)``
        either way.

    n_prior_components : int, default=10
        Components of the ``"mixture"`` prior; at most one per 10 training
        rows, or per ``encoding_dim + 1`` rows when that is more (so a fit on
        25 rows has 2, one on 100 rows with a code of 32 units has 3). Each
        :meth:`partial_fit` pass of 10 rows or more refits the prior to its
        rows.

    n_importance_samples : int, default=100
        Codes drawn per row by :meth:`score_samples`. More give a tighter,
        higher estimate (the importance-weighted bound rises towards the
        log-likelihood); 1 gives the ELBO.

    Attributes
    ----------
    {_SHARED_ATTRIBUTES}

    See Also
    --------
    AutoencoderTransformer : The deterministic autoencoder.
    sklearn.decomposition.PCA : Probabilistic PCA, the linear Gaussian
        counterpart, whose ``score_samples`` is its exact log-likelihood.
    sklearn.mixture.GaussianMixture : Another density with ``sample``.

    Notes
    -----
    Which comparisons each likelihood allows: with ``loss="mse"`` (or
    ``"mae"``) the model is a density over the data's real values, and
    :meth:`score_samples` is comparable with that of any other density on the
    same data in the same units (:class:`~sklearn.decomposition.PCA`,
    :class:`~sklearn.mixture.GaussianMixture`,
    :class:`~sklearn.neighbors.KernelDensity`); on discrete data (pixels of
    8 bits) dequantise first (``(v + U(0, 1)) / 256``), or any density
    can grow without bound on the repeated values. With
    ``loss="binary_crossentropy"`` it is a probability of binary data
    (grey levels read as probabilities give a score, not a density): compare
    it only with other Bernoulli models on the same binary data.

    The scores are estimates: the importance-weighted bound with
    ``n_importance_samples`` draws is below the model's log-likelihood on
    average, and its draws are fixed by the fit (the same for every row and
    every call), so scores are deterministic. In the data's units,
    ``log p(x) = log p_s((x - offset_) / scale_) - sum(log(scale_))``, where
    ``p_s`` is the network's density of the scaled row (a Bernoulli decoder's
    probability needs no such change of variables).

    {NOTES}

    Examples
    --------
    >>> from sklearn.datasets import load_digits
    >>> from skae import VariationalAutoencoder
    >>> X, _ = load_digits(return_X_y=True)
    >>> vae = VariationalAutoencoder(encoding_dim=4, epochs=5, random_state=0)
    >>> vae = vae.fit(X)
    >>> mean, std = vae.transform(X[:3], return_std=True)
    >>> mean.shape, std.shape
    ((3, 4), (3, 4))
    >>> vae.sample(5, random_state=0).shape
    (5, 64)
    >>> vae.score_samples(X[:3]).shape
    (3,)
    """

    # return_std is an option of the call, not data to route through a
    # meta-estimator: no set_transform_request for it.
    __metadata_request__transform = {"return_std": metadata_routing.UNUSED}

    _parameter_constraints: dict = {
        **BaseAutoencoder._parameter_constraints,
        "beta": [Interval(Real, 0, None, closed="neither")],
        "kl_warmup": [Interval(Integral, 0, None, closed="left")],
        "min_variance": [Interval(Real, 0, None, closed="neither")],
        "n_importance_samples": [Interval(Integral, 1, None, closed="left")],
        "prior": [StrOptions({"mixture", "standard"})],
        "n_prior_components": [Interval(Integral, 1, None, closed="left")],
    }

    @with_shared_parameters
    def __init__(
        self,
        encoding_dim=16,
        *,
        beta=1.0,
        kl_warmup=0,
        min_variance=1e-6,
        prior="mixture",
        n_prior_components=10,
        n_importance_samples=100,
        **shared,
    ):
        super().__init__(encoding_dim, **shared)
        self.beta = beta
        self.kl_warmup = kl_warmup
        self.min_variance = min_variance
        self.prior = prior
        self.n_prior_components = n_prior_components
        self.n_importance_samples = n_importance_samples

    def _fit(self, X):
        super()._fit(X)
        self._fit_prior(X)

    def _after_pass(self, X):
        # A partial_fit pass: the prior of the codes of the pass's rows under
        # the network as the pass left it; fewer than 10 rows (not one
        # component's worth) keep the previous one.
        if _num_samples(X) >= ROWS_PER_COMPONENT:
            self._fit_prior(X)

    def _fit_prior(self, X):
        """``prior_weights_``, ``prior_means_`` and ``prior_covariances_``:
        N(0, I), or a Gaussian mixture fitted to ``PRIOR_DRAWS`` draws from
        the posterior of each of (at most ``PRIOR_ROWS``, evenly spaced)
        training rows ``X``."""
        dim = self._n_features_out
        if self.prior == "standard":
            self.prior_weights_ = np.ones(1)
            self.prior_means_ = np.zeros((1, dim))
            self.prior_covariances_ = np.eye(dim)[None]
            return
        n_rows = _num_samples(X)
        if n_rows > PRIOR_ROWS:
            step = -(-n_rows // PRIOR_ROWS)
            if is_streamed(X):
                X = np.asarray(X[::step])
            else:
                X = _safe_indexing(X, np.arange(0, n_rows, step))
        mean, std = self._posterior(self._check_X(X))
        rng = np.random.default_rng([self.model_.seed, 2])
        codes = np.concatenate(
            [
                mean + std * rng.standard_normal(mean.shape, dtype=mean.dtype)
                for _ in range(PRIOR_DRAWS)
            ],
            dtype=np.float64,
        )
        # Rows per component: a full covariance of dim units from fewer than
        # dim + 1 rows is singular, and on 100 digits at code 32 ten
        # components scored 8 nats below N(0, I) (benchmarks/README.md).
        per = max(ROWS_PER_COMPONENT, dim + 1)
        mixture = GaussianMixture(
            n_components=min(self.n_prior_components, max(1, len(mean) // per)),
            covariance_type="full",
            random_state=int(rng.integers(2**31)),
        )
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always", ConvergenceWarning)
            mixture.fit(codes)
        if any(issubclass(w.category, ConvergenceWarning) for w in caught):
            # GaussianMixture's own advice (max_iter, tol, init) names
            # parameters the user cannot reach from here.
            warnings.warn(
                f"{type(self).__name__}: the mixture prior's EM did not converge "
                f"in {mixture.max_iter} iterations; the prior is usable but may fit "
                "the codes less closely. Lower n_prior_components, or use "
                'prior="standard".',
                ConvergenceWarning,
                stacklevel=4,
            )
        self.prior_weights_ = mixture.weights_
        self.prior_means_ = mixture.means_
        self.prior_covariances_ = mixture.covariances_

    # ------------------------------------------------------------------ fit

    def _build(self, n_features, image_shape, output_activation, seeds):
        from skae._keras import _vae

        encoder, decoder = super()._build(
            n_features, image_shape, output_activation, seeds
        )
        return _vae.two_headed(encoder, self._encoding_dim(n_features)), decoder

    def _assemble(self, encoder, decoder, Xs, seeds):
        from skae._keras import _vae

        # A streamed fit's data is not in memory: the decoder's starting means
        # and variances come from the summary's evenly spaced rows.
        if isinstance(Xs, ScaledRange):
            Xs = Xs.rows
        return _vae.assemble(
            encoder,
            decoder,
            Xs,
            likelihood=self.loss,
            beta=self.beta,
            min_variance=self.min_variance,
            seeds=seeds,
            contractive=self.contractive,
        )

    def _training_callbacks(self):
        callbacks = tuple(super()._training_callbacks())
        if not self.kl_warmup:
            return callbacks
        from skae._keras import _vae

        return (_vae.KLWarmUp(self.kl_warmup), *callbacks)

    @classmethod
    def from_keras(cls, encoder, decoder, **params):
        """Not available: a variational autoencoder also needs the decoder's
        noise and the posterior's variance, which exported models do not keep.

        Parameters
        ----------
        encoder, decoder : keras.Model or str or path-like
            Models such as :meth:`export_keras` writes.
        **params
            Estimator parameters.

        Returns
        -------
        estimator : None
            Never returns: raises ``NotImplementedError``. Pickle a fitted
            estimator to keep it.
        """
        raise NotImplementedError(
            f"{cls.__name__}.from_keras cannot rebuild a variational "
            "autoencoder: its likelihood (the decoder's learnt variance) is not "
            "in the exported models. Pickle the fitted estimator instead."
        )

    # ------------------------------------------------------------ inference

    @property
    def _n_features_out(self):
        return self.decoder_.input_shape[-1]

    def _posterior(self, X):
        """Mean and standard deviation of the posterior of each row of ``X``."""
        stats = super()._encode(X)
        mean, log_var = np.split(stats, 2, axis=1)
        with np.errstate(over="ignore"):
            std = np.exp(0.5 * log_var.astype(np.float64))
        return mean, std.astype(X.dtype, copy=False)

    def _encode(self, X):
        return self._posterior(X)[0]

    def transform(self, X, return_std=False):
        """Encode ``X`` into the means of its posterior over the codes.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Data with the features seen in ``fit``.
        return_std : bool, default=False
            Whether to return the posterior's standard deviations too.

        Returns
        -------
        Z : ndarray of shape (n_samples, encoding_dim)
            Posterior means, in the dtype of ``X`` (float32 or float64);
            deterministic.
        Z_std : ndarray of shape (n_samples, encoding_dim)
            Posterior standard deviations; only when ``return_std=True``.
        """
        mean, std = self._posterior(self._check_X(X))
        return (mean, std) if return_std else mean

    def sample(self, n_samples=1, random_state=None, *, noise=False):
        """Draw new rows: codes from the prior (see ``prior``), decoded.

        Parameters
        ----------
        n_samples : int, default=1
            Number of rows to draw.
        random_state : int, RandomState instance or None, default=None
            Seed of the draws. None uses the estimator's ``random_state``, as
            :meth:`sklearn.mixture.GaussianMixture.sample` does (so an
            estimator with an int ``random_state`` draws the same rows every
            call).
        noise : bool, default=False
            Whether to add the decoder's noise to its mean: False returns the
            decoder's means (the usual pictures of samples), True draws from
            the model's density itself (Gaussian or Laplace noise of the
            learnt variance, or Bernoulli draws of 0 and 1).

        Returns
        -------
        X : ndarray of shape (n_samples, `n_features_in_`)
            New rows, in the units of the data given to ``fit`` (float64).
        """
        check_is_fitted(self)
        if not isinstance(n_samples, Integral) or n_samples < 1:
            raise ValueError(
                f"Invalid value for 'n_samples': {n_samples!r}. The sampling "
                "requires at least one sample."
            )
        from skae._keras import _predict, _vae

        rng = check_random_state(
            self.random_state if random_state is None else random_state
        )
        # A component for each row, then its Gaussian's draw; the rows are
        # in the order drawn, not grouped by component.
        components = rng.choice(
            len(self.prior_weights_), size=n_samples, p=self.prior_weights_
        )
        codes = rng.standard_normal((n_samples, self._n_features_out))
        roots = np.linalg.cholesky(self.prior_covariances_)
        codes = self.prior_means_[components] + np.einsum(
            "nij,nj->ni", roots[components], codes
        )
        x_mean = _predict.predict(self.decoder_, codes.astype(np.float32))
        x_mean = x_mean.astype(np.float64)
        if noise:
            log_var = _vae.decoder_log_variance(self.model_)
            if log_var is None:
                x_mean = (rng.uniform(size=x_mean.shape) < x_mean).astype(float)
            elif self.loss == "mae":  # Laplace of variance 2 b**2
                x_mean += rng.laplace(size=x_mean.shape) * np.exp(0.5 * log_var)
                x_mean /= np.sqrt(2.0)
            else:
                x_mean += rng.standard_normal(x_mean.shape) * np.exp(0.5 * log_var)
        return x_mean * self._output_scale_ + self.offset_

    @blockwise
    def score_samples(self, X):
        """Importance-weighted estimate of each row's log-likelihood, in nats,
        in the units of the data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            A memory map or ``h5py`` dataset is read a block at a time;
            the result is in memory.

        Returns
        -------
        log_likelihood : ndarray of shape (n_samples,)
            ``log p(x)`` of each row, estimated with ``n_importance_samples``
            codes per row (float64). Deterministic: the draws are fixed by the
            fit, the same for every row, so a row's score depends on neither
            the call nor the rows beside it.
        """
        from skae._keras import _vae

        X = self._check_X(X)
        Xs = scale_rows(X, self.offset_, self.scale_)
        # The same draws for every row and call, fixed by the fit's seed.
        rng = np.random.default_rng([self.model_.seed, 1])
        eps = rng.standard_normal((self.n_importance_samples, self._n_features_out))
        prior = (self.prior_weights_, self.prior_means_, self.prior_covariances_)
        scores = _vae.log_likelihood(self.model_, Xs, eps, prior)
        scores = scores.astype(np.float64)
        if self.loss == "binary_crossentropy":
            return scores  # a probability of binary rows: no change of variables
        return scores - np.sum(np.log(self.scale_))

    def score(self, X, y=None):
        """Mean log-likelihood estimate of the rows of ``X``, in nats.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : Ignored
            Not used, present for API consistency by convention.

        Returns
        -------
        score : float
            The mean of :meth:`score_samples`, as ``PCA.score`` is of its own.
        """
        return float(np.mean(self.score_samples(X)))
