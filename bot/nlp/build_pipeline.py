"""Build the spaCy pipeline from the pattern lists: `python -m bot.nlp.build_pipeline`.

No spaCy model can be downloaded at run time, so the pipeline is a blank English
tokenizer plus an entity ruler whose phrases come from patterns/<LABEL>.txt.
The build is skipped when the patterns and the spaCy version have not changed.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from bot.settings import VAR_DIR

PATTERNS_DIR = Path(__file__).resolve().parent / "patterns"
PIPELINE_DIR = VAR_DIR / "spacy" / "waypoint_en"
STAMP_NAME = ".waypoint-patterns-hash"


def read_patterns(patterns_dir: Path = PATTERNS_DIR) -> list[dict[str, str]]:
    patterns = []
    for path in sorted(patterns_dir.glob("*.txt")):
        label = path.stem
        for line in path.read_text(encoding="utf-8").splitlines():
            phrase = line.strip()
            if phrase and not phrase.startswith("#"):
                patterns.append({"label": label, "pattern": phrase})
    return patterns


def patterns_hash(patterns_dir: Path = PATTERNS_DIR) -> str:
    # The version from the package's metadata: importing spaCy would load TensorFlow (~400 MB) into
    # the supervisor, which only needs to find the model's file name.
    from importlib.metadata import version

    digest = hashlib.sha256(version("spacy").encode())
    for path in sorted(patterns_dir.glob("*.txt")):
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def build(output_dir: Path = PIPELINE_DIR, patterns_dir: Path = PATTERNS_DIR) -> bool:
    """Build the pipeline into `output_dir`; returns False when it was already up to date."""
    import spacy

    wanted = patterns_hash(patterns_dir)
    stamp = output_dir / STAMP_NAME
    if stamp.exists() and stamp.read_text() == wanted:
        return False
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    ruler.add_patterns(read_patterns(patterns_dir))
    if output_dir.exists():
        shutil.rmtree(output_dir)
    output_dir.parent.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(output_dir)
    stamp.write_text(wanted)
    return True


if __name__ == "__main__":
    print("spaCy pipeline " + ("built" if build() else "already up to date"))
