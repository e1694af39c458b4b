"""Editors' changes move the "content" version, so every cached page re-renders; so does
Redis coming back after an outage, during which the versions votes moved were lost."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from reviews.models import Persona, Review
from tools.models import Category, Tool
from verdicts import pagecache
from verdicts.cache import cache_recovered
from verdicts.models import Comparison

CONTENT_MODELS = (Tool, Category, Review, Persona, Comparison)


@receiver(post_save)
@receiver(post_delete)
def content_changed(sender, **kwargs) -> None:
    if sender in CONTENT_MODELS:
        pagecache.bump("content")


@receiver(cache_recovered)
def cache_back(sender, cache, **kwargs) -> None:
    """Pages cached before the outage may show counts that changed while Redis was away."""
    pagecache.version_move(cache, "content")
