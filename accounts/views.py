from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from accounts.deletion import member_deletion_summary
from accounts.forms import AccountDeleteForm
from accounts.services import member_delete
from core.errors import problem

DELETED = (
    "Your account is deleted, and everything that was yours with it. "
    "Thanks for voting with us: the comparisons stay open to read."
)

EDITORS_STAY = (
    "An editor's account is closed from the editors' desk, by another editor, "
    "so that the desk keeps the record of who changed what."
)


@require_safe
@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "account/account.html")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def account_delete(request: HttpRequest) -> HttpResponse:
    member = request.user
    if member.is_staff:
        return problem(
            request, status=403, template="account/account_delete.html", message=EDITORS_STAY
        )
    form = AccountDeleteForm(data=request.POST or None, user=member)
    if request.method == "POST" and form.is_valid():
        member_delete(member=member)
        logout(request)
        messages.success(request, DELETED)
        return redirect(settings.ACCOUNT_LOGOUT_REDIRECT_URL)
    removes = member_deletion_summary(member)
    return render(request, "account/account_delete.html", {"form": form, "removes": removes})
