"""Tuning an autoencoder with ``GridSearchCV``, supervised and unsupervised
========================================================================

1. Supervised: ``Pipeline([("ae", AutoencoderTransformer()), ("clf",
   LogisticRegression())])`` searched over ``ae__encoding_dim``; the code size
   is picked by the cross-validated accuracy of the classifier on the codes.
2. Unsupervised: ``GridSearchCV(AutoencoderTransformer(), {"encoding_dim": ...})``
   with no ``y`` and no scorer; the estimator's own ``score`` (negative
   reconstruction MSE) is used, so the widest code usually wins.

Data: scikit-learn's ``load_digits`` (no download). To keep its 20 fits (2 searches x
3 code sizes x 3 folds, plus 2 refits) short, training stops after 30 epochs by
default. Saves a bar chart of both
searches' mean test scores (accuracy; MSE = -score).

Run it from the repository root::

    python examples/grid_search.py [--epochs N] [--out DIR] [--quick]

``--quick`` (for smoke tests) searches two code sizes with 2-fold CV instead.
"""

import matplotlib.pyplot as plt
from _common import parse_args, save
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline

from skae import AutoencoderTransformer

args = parse_args(__doc__, epochs=30, quick_help="2 code sizes, 2 folds")

# %%
# Two searches over the code size: the classifier's accuracy picks it in
# the Pipeline, the autoencoder's own ``score`` when it is searched alone.
X, y = load_digits(return_X_y=True)
dims, cv = ([4, 8], 2) if args.quick else ([4, 8, 16], 3)
ae = AutoencoderTransformer(epochs=args.epochs, random_state=0)

pipe = Pipeline([("ae", ae), ("clf", LogisticRegression(max_iter=1000))])
supervised = GridSearchCV(pipe, {"ae__encoding_dim": dims}, cv=cv).fit(X, y)
unsupervised = GridSearchCV(ae, {"encoding_dim": dims}, cv=cv).fit(X)


# %%
# What each search found, and a bar chart of the mean test scores.


def summary(search, title):
    """Print mean +- std test score and rank for each candidate."""
    res = search.cv_results_
    print(f"\n{title} (best: {search.best_params_})")
    print("| encoding_dim | mean test score |    std | rank | fit (s) |")
    print("|-------------:|----------------:|-------:|-----:|--------:|")
    for i, params in enumerate(res["params"]):
        k = next(iter(params.values()))
        print(
            f"| {k:12d} | {res['mean_test_score'][i]:15.3f} | "
            f"{res['std_test_score'][i]:6.3f} | {res['rank_test_score'][i]:4d} | "
            f"{res['mean_fit_time'][i]:7.1f} |"
        )
    return res["mean_test_score"], res["std_test_score"]


fig, axes = plt.subplots(1, 2, figsize=(6, 3), layout="constrained")
for ax, search, title, sign, ylabel in [
    (axes[0], supervised, "AE + LogisticRegression", 1, "accuracy"),
    (axes[1], unsupervised, "AE alone (its own score)", -1, "reconstruction MSE"),
]:
    mean, std = summary(search, title)
    ax.bar([str(k) for k in dims], sign * mean, yerr=std, capsize=4)
    ax.set(title=title, xlabel="encoding_dim", ylabel=f"mean CV {ylabel}")
    ax.title.set_fontsize("medium")
print()
save(fig, args, "grid_search.png")
