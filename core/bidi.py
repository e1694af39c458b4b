"""Names and short texts that editors typed, kept from turning round the text around them.

A name may hold a right-to-left override (U+202E) that nothing closes, pasted by accident or
typed on purpose; shown as it is, it reverses the rest of its line. ``isolate`` makes such a
text a Unicode bidi isolate (FSI … PDI), the plain-text form of HTML's ``<bdi>``: whatever
direction the text sets, it ends with the text. Plain-text places need it too (the page title,
feeds, email subjects), so one mechanism serves them and HTML alike. A text without direction
controls or right-to-left letters comes back unchanged.
"""

import unicodedata

FSI = "\u2068"  # first strong isolate: the text's own first letter sets its direction
PDI = "\u2069"  # pop directional isolate

# Bidi classes that change the direction of what follows: embeddings, overrides, isolates,
# right-to-left marks and letters.
_TURNING = {"LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI", "R", "AL"}


def needs_isolating(text: str) -> bool:
    return any(unicodedata.bidirectional(char) in _TURNING for char in text)


def isolate(text) -> str:
    """``text`` as a bidi isolate when it could turn round what follows it; else unchanged."""
    text = "" if text is None else str(text)
    return f"{FSI}{text}{PDI}" if text and needs_isolating(text) else text
