"""Text as people paste it, made safe to store and to serve.

A word processor's soft line break is U+000B, its page break U+000C; a copy from a
terminal or a PDF brings other control characters. None shows on a page, XML 1.0
(Atom feeds, sitemaps) forbids them, and PostgreSQL refuses NUL outright. Models take
``CleanText`` so that ``full_clean()``, which every service and admin form runs, stores
text without them; ``xml_text`` is for output, since rows written before (or by raw SQL)
may still hold them, and ``XMLSafeAtom1Feed`` is Atom that serves them all the same.
"""

import re

from django.db import models
from django.utils.feedgenerator import Atom1Feed
from django.utils.xmlutils import SimplerXMLGenerator

# What never belongs in stored text: the C0 controls but tab, line feed and carriage return;
# DEL and the C1 controls; lone surrogates (no valid UTF-8 holds them); U+FFFE and U+FFFF.
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# Line and paragraph breaks as word processors and other systems write them.
_LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\x85": "\n", "\u2028": "\n"})
_PARAGRAPH_BREAK = str.maketrans({"\u2029": "\n\n"})
# On one line (a name, a tagline) any break or tab is a space.
_ON_ONE_LINE = re.compile("[\t\n\r\x0b\x0c\x85\u2028\u2029]")


def text_clean(value: str, *, multiline: bool) -> str:
    """``value`` without control characters. Text of many lines keeps its tabs and line
    breaks, with a word processor's breaks turned into line breaks; text of one line has
    spaces where it had any of them, and none at either end."""
    if multiline:
        return _CONTROLS.sub("", value.translate(_LINE_BREAKS).translate(_PARAGRAPH_BREAK))
    return _CONTROLS.sub("", _ON_ONE_LINE.sub(" ", value)).strip()


# What XML 1.0 cannot carry at all (C1 controls it allows, though discouraged).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_text(value: str) -> str:
    """``value`` with what XML 1.0 cannot carry taken out, for feeds and sitemaps."""
    return _NOT_XML.sub("", value)


class CleanText:
    """A model mixin: ``full_clean()`` cleans every CharField and TextField before validating.

    TextFields are text of many lines; CharFields (names, lines, addresses) of one. A
    mixin, not a validator on each field: nothing to migrate, and a field added later is
    covered without anyone remembering to.
    """

    def clean_fields(self, exclude=None) -> None:
        for field in self._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)):
                continue
            value = getattr(self, field.attname)
            if isinstance(value, str):
                multiline = isinstance(field, models.TextField)
                setattr(self, field.attname, text_clean(value, multiline=multiline))
        super().clean_fields(exclude=exclude)


class _XMLSafeGenerator(SimplerXMLGenerator):
    def characters(self, content):
        super().characters(xml_text(content) if content else content)

    def startElement(self, name, attrs):
        attrs = {k: xml_text(v) if isinstance(v, str) else v for k, v in (attrs or {}).items()}
        super().startElement(name, attrs)


class XMLSafeAtom1Feed(Atom1Feed):
    """Atom that leaves out what XML 1.0 cannot carry instead of failing on it: one such
    character in one row would otherwise answer 500 for the whole feed, to every reader."""

    def write(self, outfile, encoding):
        handler = _XMLSafeGenerator(outfile, encoding, short_empty_elements=True)
        handler.startDocument()
        handler.startElement("feed", self.root_attributes())
        self.add_root_elements(handler)
        self.write_items(handler)
        handler.endElement("feed")
