"""Smoke test: every script in examples/ runs (2 epochs) and saves a PNG."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = [
    "quickstart.py",
    "grid_search.py",
    "denoising_images.py",
    "anomaly_scoring.py",
    "latent_space.py",
    "conv_autoencoder.py",
    "outlier_comparison.py",
    "vae.py",
    "partial_fit_chunks.py",
]


def test_every_script_is_listed():
    # Modules starting with "_" are the scripts' shared helpers, not examples.
    scripts = [p.name for p in EXAMPLES.glob("*.py") if not p.name.startswith("_")]
    assert sorted(scripts) == sorted(SCRIPTS)


@pytest.mark.slow
@pytest.mark.parametrize("script", SCRIPTS)
def test_example_runs(script, tmp_path):
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "MPLBACKEND": "Agg"}
    args = [sys.executable, str(EXAMPLES / script), "--epochs", "2", "--out", tmp_path]
    if script == "grid_search.py":
        args.append("--quick")  # 10 fits instead of 20
    result = subprocess.run(
        args,
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert result.stdout.strip(), "the script printed no results"
    assert list(tmp_path.glob("*.png")), f"no PNG written by {script}"
