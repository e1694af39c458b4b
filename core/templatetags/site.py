import json

from django import template
from django.conf import settings
from django.template.base import token_kwargs
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from core import ownparts
from core.bidi import isolate
from core.http import page_path

register = template.Library()

# A name or short text an editor typed, kept from turning round the text after it (core/bidi.py).
# It adds only two invisible characters, so what was safe HTML stays so.
register.filter("isolate", isolate, is_safe=True)

# What must not appear raw inside a <script> element: the same escapes as json_script.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag
def json_ld(data: dict) -> SafeString:
    """A schema.org JSON-LD block, escaped so no text can close the script element.

    It needs no nonce: a data block (a type that is not JavaScript) is never run, so the
    CSP's script-src does not apply to it.
    """
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


@register.simple_tag
def csrf_token() -> str:
    """Nothing: in place of Django's tag, for every template (the admin's and allauth's too,
    this library being a builtin). The site refuses forged posts by the browser's Fetch
    metadata (SECURITY.md, CSRF), so a form needs no token, and a page without one is the
    same for every reader. Django's tag would also create the token, and with it a cookie."""
    return ""


@register.simple_tag(takes_context=True, name="page_path")
def page_path_tag(context) -> str:
    """The page a form posts back to (its ``next``): core.http.page_path."""
    return page_path(context["request"])


@register.simple_tag(takes_context=True)
def absolute_url(context, path: str) -> str:
    """``path`` on the public site (SITE_URL), for canonical links, feeds and emails.

    Emails are rendered without a request, so without the context processor: the setting
    is the fallback."""
    return f"{context.get('SITE_URL', settings.SITE_URL)}{path}"


@register.simple_tag(takes_context=True)
def nav_link(context, url: str, label: str) -> SafeString:
    """A header link that says when the reader is on its page (``page``) or below it (``true``)."""
    path = context["request"].path
    current = "page" if path == url else "true" if path.startswith(url) and url != "/" else ""
    if current:
        return format_html('<a href="{}" aria-current="{}">{}</a>', url, current, label)
    return format_html('<a href="{}">{}</a>', url, label)


class OwnNode(template.Node):
    def __init__(self, kind, key, extra: dict, nodelist) -> None:
        self.kind, self.key, self.extra, self.nodelist = kind, key, extra, nodelist

    def render(self, context) -> str:
        request = context.get("request")
        if not ownparts.rendering_shell(request):
            values = {name: value.resolve(context) for name, value in self.extra.items()}
            with context.push(**values):
                return self.nodelist.render(context)
        kind = ownparts.kind_of(self.kind.resolve(context))
        html = {}
        for state, values in kind.states.items():
            with context.push(**values):
                html[state] = self.nodelist.render(context)
        part = ownparts.Part(kind.name, str(self.key.resolve(context)), html)
        return ownparts.leave_mark(request, part)


@register.tag
def own(parser, token) -> OwnNode:
    """``{% own "vote" tool.pk vote=tool.reader_vote %}…{% endown %}``: a part of the page that
    is the reader's own (core/ownparts.py). For a reader it is a ``with``; in a shell, each of
    the kind's states is rendered and kept for the request to pick from."""
    bits = token.split_contents()
    if len(bits) < 3:
        raise template.TemplateSyntaxError("own takes a kind, a key and the reader's values")
    extra = token_kwargs(bits[3:], parser)
    if len(extra) != len(bits) - 3:
        raise template.TemplateSyntaxError("own's values are name=value pairs")
    nodelist = parser.parse(("endown",))
    parser.delete_first_token()
    return OwnNode(parser.compile_filter(bits[1]), parser.compile_filter(bits[2]), extra, nodelist)
