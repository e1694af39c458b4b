"""What every editors' page shares: writes go through the owning app's services."""

from collections.abc import Callable

from django.db.models import Model, QuerySet


class ThroughServices:
    """A ModelAdmin mixin: saves (forms, list_editable) and deletes (one, or the bulk action)
    call ``save_service(obj)`` and ``delete_service(queryset)``, so that the admin keeps
    the counts and moves the cache versions exactly as the site's own writes do."""

    save_service: Callable[[Model], Model]
    delete_service: Callable[[QuerySet], int]

    def save_model(self, request, obj, form, change) -> None:
        type(self).save_service(obj)

    def delete_model(self, request, obj) -> None:
        type(self).delete_service(type(obj).objects.filter(pk=obj.pk))

    def delete_queryset(self, request, queryset) -> None:
        type(self).delete_service(queryset)
