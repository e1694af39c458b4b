"""What every editors' page shares: writes go through the owning app's services, and
related rows are named so that two of one name read apart."""

import contextlib
from collections.abc import Callable

import pghistory
from django import forms
from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from core.publishing import Publishable, PublishStatus


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


CORRECTION_NOTE = "correction_note"


class MarksCorrections:
    """A ModelAdmin mixin: the change form of an existing row gets a "Correction" field.
    When an editor fills it in, every change the save makes (the inline rows' too) goes into
    the history as a correction with that note (pghistory's context), which readers see on
    the Corrections page and in the row's History."""

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:  # a new row corrects nothing
            return fieldsets
        note = {
            "fields": [CORRECTION_NOTE],
            "description": "Fill this in only when the change fixes an error: readers see "
            "the note beside the change, on the Corrections page.",
        }
        return [*fieldsets, ("Correction", note)]

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            field = forms.CharField(
                label="What this corrects",
                required=False,
                max_length=300,
                help_text="One line, such as “The Skeptic's score was entered as 26, not 62.”",
            )
            base = kwargs.get("form", self.form)
            kwargs["form"] = type(base.__name__, (base,), {CORRECTION_NOTE: field})
        return super().get_form(request, obj, **kwargs)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        note = ""
        if request.method == "POST" and object_id:
            note = " ".join(request.POST.get(CORRECTION_NOTE, "").split())[:300]
        marking = pghistory.context(correction=note) if note else contextlib.nullcontext()
        with marking:
            return super().changeform_view(request, object_id, form_url, extra_context)


def related_label(site: admin.AdminSite, model: type[Model]) -> Callable[[Model], str] | None:
    """How the editors' pages name a row of ``model`` wherever another row points at it:
    its ModelAdmin's ``related_label(obj)``, when it has one."""
    model_admin = site._registry.get(model)
    return getattr(model_admin, "related_label", None)


class LabelledAutocomplete(AutocompleteJsonView):
    """Autocomplete answers named by the ModelAdmin's ``related_label``, not ``str()``: two
    tools called "Cursor" must read apart in a picker ("Cursor (Developer Tools, …)")."""

    def serialize_result(self, obj, to_field_name):
        result = super().serialize_result(obj, to_field_name)
        if label := related_label(self.admin_site, type(obj)):
            result["text"] = label(obj)
        return result


def _autocomplete(request):
    return LabelledAutocomplete.as_view(admin_site=admin.site)(request)


# AdminSite.autocomplete_view is the documented place to change the admin's autocomplete;
# the project uses the default site, so the view is set on that one.
admin.site.autocomplete_view = _autocomplete
# The list of every model beside every page takes a quarter of a 1280 px screen, which the
# lists need; the desk's home page and the breadcrumbs lead everywhere it did.
admin.site.enable_nav_sidebar = False


def publishing_shown(row: Publishable) -> str:
    """A list's "published" column: Draft, or the day it went (or goes) live."""
    if row.status == PublishStatus.DRAFT or row.published_at is None:
        return "Draft"
    when = date_format(timezone.localtime(row.published_at), "j M Y")
    return when if row.is_live else f"From {when}"


class Desk:
    """A ModelAdmin (or inline) mixin for the editors' desk: the desk's stylesheet, and no
    delete or edit of another row one click away beside a picker (a tool's category, a
    review's seat). ``related_links_off`` names pickers with no links beside them at all."""

    related_links_off: tuple[str, ...] = ()

    class Media:
        css = {"all": ["css/admin.css"]}

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        widget = getattr(formfield, "widget", None)
        if isinstance(widget, RelatedFieldWidgetWrapper):
            widget.can_delete_related = widget.can_change_related = False
            if db_field.name in self.related_links_off:
                widget.can_add_related = widget.can_view_related = False
        return formfield


class RelatedLabels:
    """A ModelAdmin mixin: the choices of its foreign keys and many-to-many fields (and the
    value an autocomplete shows as chosen) read as the related ModelAdmin names them."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return self._labelled(
            db_field, super().formfield_for_foreignkey(db_field, request, **kwargs)
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return self._labelled(
            db_field, super().formfield_for_manytomany(db_field, request, **kwargs)
        )

    def _labelled(self, db_field, formfield):
        label = related_label(self.admin_site, db_field.related_model)
        if formfield is not None and label is not None:
            formfield.label_from_instance = label
            # What the label reads (a tool's category) comes in the same query.
            related_admin = self.admin_site._registry[db_field.related_model]
            if hasattr(related_admin, "related_queryset"):
                formfield.queryset = related_admin.related_queryset(formfield.queryset)
        return formfield
