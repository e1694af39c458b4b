"""Editors' changes move the "content" version, so every cached page re-renders."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from reviews.models import Persona, Review
from tools.models import Category, Tool
from verdicts import pagecache
from verdicts.models import Comparison

CONTENT_MODELS = (Tool, Category, Review, Persona, Comparison)


@receiver(post_save)
@receiver(post_delete)
def content_changed(sender, **kwargs) -> None:
    if sender in CONTENT_MODELS:
        pagecache.bump("content")
