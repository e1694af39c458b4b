"""Read an image as a person would: Tesseract OCR (Debian's tesseract-ocr, installed by CI)."""

import shutil
import subprocess
import tempfile
from pathlib import Path

TESSERACT = shutil.which("tesseract") or "/usr/bin/tesseract"


def image_text(png: bytes) -> str:
    """The text Tesseract reads in ``png``, with runs of whitespace folded to one space."""
    with tempfile.TemporaryDirectory() as workdir:
        path = Path(workdir) / "card.png"
        path.write_bytes(png)
        done = subprocess.run(
            [TESSERACT, str(path), "stdout", "--psm", "3"],
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
    return " ".join(done.stdout.split())
