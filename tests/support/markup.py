"""Reading HTML as a browser would, to tell text that shows from markup that runs."""

import json
from html.parser import HTMLParser

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data"}
LIVE_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
DATA_SCRIPTS = {"application/ld+json", "application/json"}


class Markup(HTMLParser):
    """Tags with their attributes, the text between them, and each script's content."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._script: tuple[dict[str, str], list[str]] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "script":
            self._script = (attributes, [])

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            attributes, content = self._script
            self.scripts.append((attributes, "".join(content)))
            self._script = None

    def handle_data(self, data):
        (self._script[1] if self._script is not None else self.text).append(data)

    def problems(self, *, inline_scripts: bool = False) -> list[str]:
        """Whatever in the page could run: event handlers, script URLs, scripts not ours."""
        found = []
        for tag, attributes in self.tags:
            for name, value in attributes.items():
                if name.startswith("on"):
                    found.append(f"<{tag} {name}=…>")
                if name in URL_ATTRIBUTES and value.strip().lower().startswith(LIVE_SCHEMES):
                    found.append(f"<{tag} {name}={value!r}>")
        for attributes, content in self.scripts:
            if "src" in attributes:  # this site's own (static files, the admin's jsi18n)
                if not attributes["src"].startswith("/") or attributes["src"].startswith("//"):
                    found.append(f"<script src={attributes['src']!r}>")
            elif attributes.get("type") in DATA_SCRIPTS:
                try:
                    json.loads(content)
                except ValueError:
                    found.append(f"a data script that is not JSON: {content[:80]!r}")
            elif not inline_scripts:
                found.append(f"an inline script: {content[:80]!r}")
        return found

    def shown(self) -> str:
        """Every string a reader or a machine reads off the page: text, attributes, JSON."""
        strings = list(self.text)
        strings += [value for _, attributes in self.tags for value in attributes.values()]
        for attributes, content in self.scripts:
            if attributes.get("type") in DATA_SCRIPTS:
                strings += json_strings(json.loads(content))
        return "\n".join(strings)


def json_strings(data) -> list[str]:
    """Every string in a decoded JSON document."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        data = list(data.values())
    if isinstance(data, list):
        return [s for item in data for s in json_strings(item)]
    return []


def visible_text(html: str) -> str:
    """A page's text as a reader sees it, its spacing collapsed to single spaces."""
    return " ".join(" ".join(Markup(html).text).split())
