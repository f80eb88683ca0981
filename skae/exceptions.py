"""Warnings and errors skae raises that are its own."""

__all__ = ["InconsistentVersionWarning"]


class InconsistentVersionWarning(UserWarning):
    """An estimator is unpickled by a skae version other than the one that
    pickled it.

    skae's own counterpart of scikit-learn's
    :class:`~sklearn.exceptions.InconsistentVersionWarning`, which speaks of
    scikit-learn's version only. The estimator may still load and work;
    refit it, or pickle it again with this version, to be sure.

    Parameters
    ----------
    estimator_name : str
        Class name of the estimator.
    current_skae_version : str
        The skae version unpickling it.
    original_skae_version : str
        The skae version that pickled it, or ``"unknown"`` for a pickle that
        carries none.

    Attributes
    ----------
    estimator_name : str
        Class name of the estimator.
    current_skae_version : str
        The skae version unpickling it.
    original_skae_version : str
        The skae version that pickled it, or ``"unknown"`` for a pickle that
        carries none.
    """

    def __init__(self, *, estimator_name, current_skae_version, original_skae_version):
        self.estimator_name = estimator_name
        self.current_skae_version = current_skae_version
        self.original_skae_version = original_skae_version

    def __str__(self):
        return (
            f"Trying to unpickle estimator {self.estimator_name} from skae "
            f"version {self.original_skae_version} when using version "
            f"{self.current_skae_version}. This might lead to breaking code or "
            "invalid results; refit the estimator, or check its outputs and "
            "pickle it again with this version."
        )
