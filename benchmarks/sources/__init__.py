"""Score upstreams by name, built from settings.SCORE_SOURCES (see benchmarks/sources/configured.py)."""

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from benchmarks.sources.configured import ConfiguredScoreSource, ScoreRecord, ScoreSourceConfig
from benchmarks.sources.epoch import NAME as EPOCH
from pricing.sources import PRICE_SOURCES

__all__ = ["EPOCH", "ScoreRecord", "score_source", "score_source_configs"]


def score_source_configs() -> dict[str, ScoreSourceConfig]:
    """The configured score sources by name; ImproperlyConfigured for a bad or clashing entry."""
    entries = settings.SCORE_SOURCES
    if not isinstance(entries, list):
        raise ImproperlyConfigured("SCORE_SOURCES must be a JSON list of source objects")
    configs: dict[str, ScoreSourceConfig] = {}
    for position, entry in enumerate(entries):
        config = ScoreSourceConfig.from_setting(entry, position=position)
        if config.name in configs or config.name in PRICE_SOURCES or config.name == EPOCH:
            raise ImproperlyConfigured(f"SCORE_SOURCES: the name {config.name!r} is already taken")
        configs[config.name] = config
    return configs


def score_source(name: str) -> ConfiguredScoreSource:
    """The adapter for `name`; KeyError when no score source has that name."""
    return ConfiguredScoreSource(score_source_configs()[name])
