"""The editors' newsletter desk: subscribers, editions and their sending, deliveries."""

import csv
from collections.abc import Iterator

from django import forms
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.csp import CSP
from django.utils.decorators import method_decorator
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.csp import csp_override
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from newsletter.editions import (
    EditionStateError,
    RecipientsChanged,
    edition_key,
    edition_key_free,
)
from newsletter.emails import EditionContent, edition_contents, edition_message, edition_moved
from newsletter.models import Delivery, Edition, Subscriber
from newsletter.services import (
    QueueDown,
    edition_pause,
    edition_resume,
    edition_send_test,
    edition_start,
    subscriber_unsubscribe,
)

# The preview is the email itself: its CSS is inline, as mail clients need, and it has
# no script. The edition's own admin page may frame it.
PREVIEW_CSP = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:", "https:"],
    "frame-ancestors": [CSP.SELF],
}
CSV_COLUMNS = ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"]


class _Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value: str) -> str:
        return value


def _csv_cell(value) -> str:
    """Keep spreadsheet programs from running a cell that starts like a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in {"=", "+", "-", "@"} else text


def _csv_lines(queryset) -> Iterator[str]:
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for row in queryset.order_by("pk").values_list(*CSV_COLUMNS).iterator(chunk_size=2000):
        yield writer.writerow([_csv_cell(value) for value in row])


@admin.register(Subscriber)
class SubscriberAdmin(admin.ModelAdmin):
    """Addresses join only through double opt-in, so editors neither add nor activate them."""

    list_display = ["email", "status", "created_at", "confirmed_at", "unsubscribed_at"]
    list_filter = ["status"]
    search_fields = ["email"]
    date_hierarchy = "created_at"
    fields = [
        "email",
        "status",
        "created_at",
        "confirmation_sent_at",
        "confirmed_at",
        "unsubscribed_at",
    ]
    readonly_fields = fields
    actions = ["export_csv", "unsubscribe"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description="Export the selected subscribers as CSV", permissions=["view"])
    def export_csv(self, request: HttpRequest, queryset) -> StreamingHttpResponse:
        response = StreamingHttpResponse(_csv_lines(queryset), content_type="text/csv")
        stamp = timezone.now().strftime("%Y-%m-%d")
        response["Content-Disposition"] = f'attachment; filename="subscribers-{stamp}.csv"'
        return response

    @admin.action(description="Unsubscribe the selected addresses", permissions=["change"])
    def unsubscribe(self, request: HttpRequest, queryset) -> HttpResponse | None:
        """Asks first, showing how many, as deleting does: the addresses would have to
        subscribe and confirm again, and "select all" reaches the whole list."""
        still_on = queryset.exclude(status=Subscriber.Status.UNSUBSCRIBED)
        if request.POST.get("post") != "yes":
            context = {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": "Unsubscribe these addresses?",
                "count": still_on.count(),
                "sample": still_on.order_by("email").values_list("email", flat=True)[:10],
                "selected": request.POST.getlist(admin.helpers.ACTION_CHECKBOX_NAME),
                "select_across": request.POST.get("select_across") == "1",
            }
            template = "admin/newsletter/subscriber/unsubscribe_confirmation.html"
            return TemplateResponse(request, template, context)
        tokens = list(still_on.values_list("token", flat=True))
        for token in tokens:
            subscriber_unsubscribe(token=token)
        self.message_user(request, f"Unsubscribed {len(tokens)} address(es).")
        return None


class EditionForm(forms.ModelForm):
    """The edition's fields, with the key's help and its "taken" answer in this week's terms."""

    class Meta:
        model = Edition
        fields = ["key", "subject", "intro", "comparisons", "covers_until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "key" in self.fields:
            now = timezone.now()
            self.fields["key"].help_text = (
                f"The edition's address: /newsletter/<key>/. This week's edition is "
                f"{edition_key(now)}; the next key free this week is {edition_key_free(now)}."
            )

    def clean_key(self) -> str:
        key = self.cleaned_data["key"]
        if Edition.objects.filter(key=key).exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                f"Another edition already has the key “{key}”. "
                f"The next key free this week is {edition_key_free(timezone.now())}."
            )
        return key


# The change form's own buttons for a draft: they save the edits first, then act.
SAVE_AND_TEST, SAVE_AND_REVIEW = "_save_and_test", "_save_and_review"


@admin.register(Edition)
class EditionAdmin(admin.ModelAdmin):
    """Editions and their sending. Sending is a page of its own: what goes out, to how
    many, and a confirmation that must match the list's size when it is pressed. The
    buttons that lead there from the form save the form first, so no edit is left behind."""

    form = EditionForm
    list_display = ["subject", "key", "status", "sent_count", "created_at", "sent_at"]
    list_filter = ["status"]
    search_fields = ["subject", "key"]
    autocomplete_fields = ["comparisons"]
    fields = ["key", "subject", "intro", "comparisons", "covers_until"]
    change_form_template = "admin/newsletter/edition/change_form.html"

    def get_queryset(self, request: HttpRequest):
        return (
            super()
            .get_queryset(request)
            .annotate(
                delivery_count=Count("deliveries"),
                delivered_count=Count("deliveries", filter=Q(deliveries__status="sent")),
            )
        )

    @admin.display(description="sent")
    def sent_count(self, edition: Edition) -> str:
        return f"{edition.delivered_count} / {edition.delivery_count}"

    def get_readonly_fields(self, request: HttpRequest, obj: Edition | None = None):
        # What subscribers may already have received is not rewritten.
        if obj is not None and obj.status != Edition.Status.DRAFT:
            return self.fields
        return []

    def get_changeform_initial_data(self, request: HttpRequest) -> dict:
        now = timezone.now()
        return {"key": edition_key_free(now), "covers_until": now}

    def has_delete_permission(self, request: HttpRequest, obj: Edition | None = None) -> bool:
        # Object by object, which the "delete selected" action honours too.
        if obj is not None and obj.status != Edition.Status.DRAFT:
            return False
        return super().has_delete_permission(request, obj)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        editable = obj is None or obj.status == Edition.Status.DRAFT
        context["draft_buttons"] = editable and self.has_change_permission(request, obj)
        if obj is not None:
            context["desk"] = self._desk_context(request, obj)
            if not editable:  # nothing left to save
                context.update(show_save=False, show_save_and_continue=False)
                context.update(show_save_and_add_another=False)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def response_add(self, request: HttpRequest, obj: Edition, post_url_continue=None):
        return self._then(request, obj) or super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Edition):
        return self._then(request, obj) or super().response_change(request, obj)

    def _then(self, request: HttpRequest, edition: Edition) -> HttpResponse | None:
        """After the form saved: the test copy, or the sending page, if a button asked."""
        if SAVE_AND_TEST in request.POST:
            self._send_test(request, edition, saved="Saved. ")
            return redirect(f"admin:{self._urlname}_change", edition.pk)
        if SAVE_AND_REVIEW in request.POST:
            self.message_user(request, "Saved. Check what goes out, then confirm.")
            return redirect(f"admin:{self._urlname}_send", edition.pk)
        return None

    def get_urls(self):
        def view(func, name: str):
            url_name = f"{self._urlname}_{name.replace('-', '_')}"
            return path(f"<int:pk>/{name}/", self.admin_site.admin_view(func), name=url_name)

        return [
            view(self.preview_view, "preview"),
            view(self.desk_view, "desk"),
            view(self.send_test_view, "send-test"),
            view(self.send_view, "send"),
            view(self.pause_view, "pause"),
            view(self.resume_view, "resume"),
            *super().get_urls(),
        ]

    @property
    def _urlname(self) -> str:
        return f"{self.opts.app_label}_{self.opts.model_name}"

    def _edition(self, request: HttpRequest, pk: int, *, change: bool = False) -> Edition:
        edition = get_object_or_404(Edition, pk=pk)
        allowed = (
            self.has_change_permission(request, edition)
            if change
            else self.has_view_permission(request, edition)
        )
        if not allowed:
            raise PermissionDenied
        return edition

    def _desk_context(self, request: HttpRequest, edition: Edition) -> dict:
        return {
            "edition": edition,
            "progress": edition.progress(),
            "can_change": self.has_change_permission(request, edition),
            "urlname": self._urlname,
        }

    @method_decorator(require_safe)
    def desk_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The sending panel alone: htmx polls it while the edition is being sent."""
        edition = self._edition(request, pk)
        context = {"desk": self._desk_context(request, edition)}
        return render(request, "admin/newsletter/edition/_desk.html", context)

    @method_decorator(require_safe)
    @method_decorator(xframe_options_sameorigin)
    @method_decorator(csp_override(PREVIEW_CSP))
    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The email as a subscriber gets it (?format=text for the plain-text part)."""
        edition = self._edition(request, pk)
        reader = Subscriber(email=request.user.email)  # on no list: the sample unsubscribe
        message = edition_message(content=EditionContent.load(edition), subscriber=reader)
        if request.GET.get("format") == "text":
            return HttpResponse(message.body, content_type="text/plain; charset=utf-8")
        return HttpResponse(message.alternatives[0].content)

    def _send_test(self, request: HttpRequest, edition: Edition, *, saved: str = "") -> None:
        try:
            edition_send_test(edition=edition, email=request.user.email)
        except QueueDown as error:
            self.message_user(request, f"{saved}{error}", level="error")
        else:
            self.message_user(request, f"{saved}A test copy is on its way to {request.user.email}.")

    @method_decorator(require_POST)
    def send_test_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        edition = self._edition(request, pk, change=True)
        self._send_test(request, edition)
        back = "send" if request.POST.get("back") == "send" else "change"
        return redirect(f"admin:{self._urlname}_{back}", pk)

    @method_decorator(require_http_methods(["GET", "HEAD", "POST"]))
    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """GET: what goes out and to how many. POST: send it, if the list is still the size
        the page showed; if not, the page again with the new count (409)."""
        edition = self._edition(request, pk, change=True)
        if edition.status != Edition.Status.DRAFT:
            self.message_user(request, "Only a draft edition can be sent.", level="error")
            return redirect(f"admin:{self._urlname}_change", pk)
        if request.method != "POST":
            return self._send_page(request, edition)
        shown = request.POST.get("recipients", "")
        if not shown.isdigit() or int(shown) == 0:
            problem = "Confirm from this page: it shows how many subscribers get the edition."
            return self._send_page(request, edition, problem=problem, status=400)
        try:
            edition_start(edition=edition, recipients=int(shown))
        except RecipientsChanged as error:
            return self._send_page(request, edition, problem=str(error), status=409)
        except EditionStateError as error:  # another editor sent it a moment ago
            self.message_user(request, str(error), level="error")
            return redirect(f"admin:{self._urlname}_change", pk)
        self.message_user(request, f"Sending to {shown} active subscriber(s).")
        return redirect(f"admin:{self._urlname}_change", pk)

    def _send_page(self, request, edition: Edition, *, problem: str = "", status: int = 200):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Send “{edition.subject}”",
            "edition": edition,
            "items": edition_contents(edition),
            "moved": edition_moved(edition),
            "recipients": Subscriber.objects.active().count(),
            "problem": problem,
        }
        template = "admin/newsletter/edition/send.html"
        return TemplateResponse(request, template, context, status=status)

    @method_decorator(require_POST)
    def pause_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._move(request, pk, edition_pause, "Paused after the chunk under way.")

    @method_decorator(require_POST)
    def resume_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        return self._move(request, pk, edition_resume, "Sending again.")

    def _move(self, request: HttpRequest, pk: int, service, done: str) -> HttpResponse:
        edition = self._edition(request, pk, change=True)
        try:
            service(edition=edition)
        except EditionStateError as error:
            self.message_user(request, str(error), level="error")
        else:
            self.message_user(request, done)
        return redirect(f"admin:{self._urlname}_change", pk)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """A read-only record of who was sent what; failed rows say why."""

    list_display = ["subscriber", "edition", "status", "attempts", "sent_at", "last_error"]
    list_filter = ["status", ("edition", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["subscriber", "edition"]
    search_fields = ["subscriber__email"]
    fields = ["edition", "subscriber", "status", "attempts", "sent_at", "last_error"]
    readonly_fields = fields

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False
