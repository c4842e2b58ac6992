"""Train the Rasa model only when its inputs changed: `python -m bot.training`.

The model's file name carries a hash of everything that shapes it (config, domain,
training data, the spaCy patterns and the Rasa version), so a second run, or a
test run after a normal run, reuses the model that is already there.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

from bot.nlp.build_pipeline import patterns_hash
from bot.settings import PROJECT_ROOT

MODELS_DIR = PROJECT_ROOT / "models"
MODEL_INPUTS = ["config.yml", "domain.yml", "data"]


def training_inputs(root: Path = PROJECT_ROOT) -> list[Path]:
    files = []
    for name in MODEL_INPUTS:
        path = root / name
        files += sorted(p for p in path.rglob("*.yml")) if path.is_dir() else [path]
    return files


def model_fingerprint(root: Path = PROJECT_ROOT) -> str:
    import rasa

    digest = hashlib.sha256(rasa.__version__.encode())
    digest.update(patterns_hash().encode())
    for path in training_inputs(root):
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(root: Path = PROJECT_ROOT) -> Path:
    return MODELS_DIR / f"waypoint-{model_fingerprint(root)}.tar.gz"


def rasa_environment() -> dict[str, str]:
    """Environment for any rasa command: no telemetry, quiet TensorFlow, no library deprecation noise."""
    return {
        **os.environ,
        "RASA_TELEMETRY_ENABLED": "false",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONWARNINGS": os.environ.get("PYTHONWARNINGS", "ignore"),
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    }


def ensure_model() -> Path:
    target = model_path()
    if target.exists():
        print(f"setup: model up to date ({target.relative_to(PROJECT_ROOT)})")
        return target
    print("setup: training the Rasa model (about five minutes on two cores; log in var/train.log)")
    MODELS_DIR.mkdir(exist_ok=True)
    log_path = PROJECT_ROOT / "var" / "train.log"
    log_path.parent.mkdir(exist_ok=True)
    with log_path.open("w") as log:
        result = subprocess.run(
            [
                str(Path(sys.executable).with_name("rasa")),
                "train",
                "--out",
                str(MODELS_DIR),
                "--fixed-model-name",
                target.name.removesuffix(".tar.gz"),
            ],
            cwd=PROJECT_ROOT,
            env=rasa_environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    if result.returncode != 0 or not target.exists():
        sys.exit(f"Training failed; the last lines of {log_path}:\n" + "".join(log_path.read_text().splitlines(True)[-20:]))
    print(f"setup: model trained ({target.relative_to(PROJECT_ROOT)})")
    return target


if __name__ == "__main__":
    ensure_model()
