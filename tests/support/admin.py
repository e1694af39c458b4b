"""Filling in an admin form as an editor would: what the page shows, changed where the test says."""

from html.parser import HTMLParser

from django.test import Client


class _FormFields(HTMLParser):
    """The values a browser would send for the change form (``<form id="…_form">``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select: str | None = None
        self._select_multiple = False
        self._textarea: str | None = None

    def _add(self, name: str, value: str) -> None:
        if "__prefix__" not in name:  # an inline's template row, copied by the admin's script
            self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = {k: v if v is not None else "" for k, v in attrs}
        if tag == "form" and a.get("id", "").endswith("_form"):
            self._in_form = True
        if not self._in_form or "name" not in a:
            if tag == "option" and self._select and "selected" in a:
                self._add(self._select, a.get("value", ""))
            return
        name = a["name"]
        if tag == "input":
            kind = a.get("type", "text")
            if kind in {"submit", "button", "image", "file", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
                return
            self._add(name, a.get("value", ""))
        elif tag == "select":
            self._select, self._select_multiple = name, "multiple" in a
        elif tag == "textarea":
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            if self._textarea in self.data:
                # As in a browser, a newline just after <textarea> is not part of the value.
                values = self.data[self._textarea]
                values[-1] = values[-1].removeprefix("\n")
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None and self._textarea in self.data:
            self.data[self._textarea][-1] += data


def admin_form(client: Client, url: str) -> dict[str, list[str] | str]:
    """The change or add form at ``url`` as the page fills it in, ready to post back."""
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    fields = _FormFields()
    fields.feed(response.content.decode())
    return {name: values if len(values) > 1 else values[0] for name, values in fields.data.items()}


def admin_errors(response) -> list[str]:
    """Every error message the re-shown form carries (fields, the form, its inlines);
    empty when it saved."""
    if response.status_code == 302:
        return []
    form = response.context["adminform"].form
    messages = [m for errors in form.errors.values() for m in errors]
    for inline in response.context.get("inline_admin_formsets", []):
        messages += inline.formset.non_form_errors()
        messages += [m for f in inline.formset.forms for e in f.errors.values() for m in e]
    return list(dict.fromkeys(messages))


class _Table(HTMLParser):
    """The text of each cell of the changelist's table (``#result_list``), row by row."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[list[str]] = []
        self._depth = 0  # inside #result_list: how many tables deep
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and (self._depth or dict(attrs).get("id") == "result_list"):
            self._depth += 1
        elif self._depth and tag == "tr":
            self.rows.append([])
        elif self._depth and tag in {"th", "td"}:
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "table" and self._depth:
            self._depth -= 1
        elif self._depth and tag in {"th", "td"} and self._cell is not None:
            self.rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def changelist(response) -> tuple[list[str], list[list[str]]]:
    """A changelist's column headings and its rows' cells, without the checkbox column."""
    assert response.status_code == 200, response.status_code
    table = _Table()
    table.feed(response.content.decode())
    [headings, *rows] = [row[1:] for row in table.rows]
    return headings, rows
