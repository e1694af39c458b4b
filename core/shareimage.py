"""Share images: the card a link preview shows (og:image), drawn on the server as a PNG.

A card is plain data (``ShareCard``): a heading, up to four columns of verdicts, and a
footer line. ``draw`` lays it out at 1200 × 630, the size Open Graph consumers expect, in
the site's colours. Names are shrunk to fit their column, and cut with an ellipsis only
when even the smallest size is too wide, so a long name never runs into its neighbour.

The fonts are DejaVu (Debian's ``fonts-dejavu-core``, in the Dockerfile and CI) from
``SHARE_IMAGE_FONT_DIR``; without them the card falls back to Pillow's own font, so a
missing package costs looks, never a 500. Text is laid out with libraqm, so a right-to-left
name reads right to left.
"""

import hashlib
import io
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from PIL import Image, ImageDraw, ImageFont

WIDTH, HEIGHT = 1200, 630
MARGIN = 64

# The site's palette (static/css/site.css), light theme.
INK = "#1b1a18"
MUTED = "#5c5850"
PAPER = "#f6f5f1"
SURFACE = "#ffffff"
LINE = "#dfdbd1"
ACCENT = "#3343c0"
CALL_COLOURS = {  # text, background
    "Ship": ("#16633a", "#e1f2e6"),
    "Skip": ("#a3281d", "#fbe6e2"),
    "Split": ("#7a5200", "#faefd4"),
}
OTHER_CALL = ("#4d4d57", "#ebebef")


@dataclass(frozen=True)
class Column:
    """One tool on the card."""

    name: str
    call: str  # the panel's call: Ship, Skip, Split or "Awaiting panel"
    score: str  # "82/100", or "No score yet"
    lines: tuple[str, ...] = ()  # smaller facts under the score
    picked: bool = False


@dataclass(frozen=True)
class ShareCard:
    kicker: str  # the small line above the heading
    heading: str
    columns: tuple[Column, ...]
    footer: str
    alt: str  # the card in words, names bidi-isolated, for og:image:alt
    footer_strong: bool = False  # the footer is the answer (the pick), not a note
    extra: tuple[str, ...] = field(default=())  # lines under the heading (a tagline)

    @property
    def etag(self) -> str:
        """Changes whenever anything drawn would: the card's text and the drawing's version."""
        digest = hashlib.sha256(repr((DRAWING_VERSION, self)).encode()).hexdigest()
        return f'"{digest[:32]}"'


DRAWING_VERSION = 1  # move on when the layout changes, so caches let the old cards go


@cache
def _font(size: int, *, bold: bool = False) -> ImageFont.FreeTypeFont:
    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    path = Path(settings.SHARE_IMAGE_FONT_DIR) / name
    try:
        return ImageFont.truetype(str(path), size)
    except OSError:
        return ImageFont.load_default(size)


def _fitted(draw: ImageDraw.ImageDraw, text: str, width: int, sizes, *, bold: bool):
    """The largest of ``sizes`` at which ``text`` fits ``width``; at the smallest, the text
    cut to fit with an ellipsis."""
    for size in sizes:
        font = _font(size, bold=bold)
        if draw.textlength(text, font=font) <= width:
            return text, font
    font = _font(sizes[-1], bold=bold)
    while text and draw.textlength(text + "…", font=font) > width:
        text = text[:-1]
    return text.rstrip() + "…", font


def draw(card: ShareCard) -> bytes:
    """The card as PNG bytes."""
    image = Image.new("RGB", (WIDTH, HEIGHT), PAPER)
    pen = ImageDraw.Draw(image)
    inner = WIDTH - 2 * MARGIN

    pen.rectangle((0, 0, WIDTH, 10), fill=ACCENT)
    pen.text((MARGIN, 44), "Verdicts", font=_font(30, bold=True), fill=ACCENT)
    kicker, font = _fitted(pen, card.kicker, inner - 200, (24,), bold=False)
    pen.text((WIDTH - MARGIN, 50), kicker, font=font, fill=MUTED, anchor="ra")

    heading, font = _fitted(pen, card.heading, inner, (56, 50, 44, 38, 32), bold=True)
    pen.text((MARGIN, 104), heading, font=font, fill=INK)
    top = 186
    for line in card.extra[:1]:
        text, font = _fitted(pen, line, inner, (28, 24), bold=False)
        pen.text((MARGIN, top), text, font=font, fill=MUTED)
        top += 44

    _columns(pen, card.columns, top=top + 8, bottom=HEIGHT - 128)

    colour = INK if card.footer_strong else MUTED
    footer, font = _fitted(pen, card.footer, inner, (34, 30, 26, 22), bold=card.footer_strong)
    pen.text((MARGIN, HEIGHT - 92), footer, font=font, fill=colour)

    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=6)
    return out.getvalue()


def _columns(pen: ImageDraw.ImageDraw, columns: tuple[Column, ...], *, top: int, bottom: int):
    gap = 24
    count = max(len(columns), 1)
    width = (WIDTH - 2 * MARGIN - gap * (count - 1)) // count
    for index, column in enumerate(columns):
        left = MARGIN + index * (width + gap)
        outline = ACCENT if column.picked else LINE
        pen.rounded_rectangle(
            (left, top, left + width, bottom),
            radius=18,
            fill=SURFACE,
            outline=outline,
            width=4 if column.picked else 2,
        )
        x, y, room = left + 28, top + 24, width - 56
        name, font = _fitted(pen, column.name, room, (40, 34, 28, 24), bold=True)
        pen.text((x, y), name, font=font, fill=INK)
        y += 62
        text_colour, background = CALL_COLOURS.get(column.call, OTHER_CALL)
        call_font = _font(30, bold=True)
        call_width = pen.textlength(column.call, font=call_font)
        pen.rounded_rectangle((x, y, x + call_width + 36, y + 52), radius=26, fill=background)
        pen.text((x + 18, y + 26), column.call, font=call_font, fill=text_colour, anchor="lm")
        score, font = _fitted(pen, column.score, room - call_width - 60, (30, 24), bold=False)
        pen.text((x + call_width + 56, y + 26), score, font=font, fill=INK, anchor="lm")
        y += 76
        for line in column.lines:
            if y + 30 > bottom - 12:
                break
            text, font = _fitted(pen, line, room, (26, 22), bold=False)
            pen.text((x, y), text, font=font, fill=MUTED)
            y += 38
