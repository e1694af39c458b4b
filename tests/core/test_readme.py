"""The README is the operator's manual: every setting and make target in it, once."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text()


def table_rows() -> list[str]:
    """The first cell of every table row, e.g. "`make lint`" or "`EMAIL_HOST`, `EMAIL_PORT`"."""
    return [m.group(1).strip() for m in re.finditer(r"^\| ([^|]+) \|", README, re.M)]


def test_every_environment_variable_the_settings_read_is_documented():
    settings = (ROOT / "verdicts" / "settings.py").read_text()
    read = set(re.findall(r'env_\w+\("([A-Z_]+)"', settings))
    documented = set(re.findall(r"`([A-Z_]{3,})`", "\n".join(table_rows())))
    assert read - documented == set()


def test_every_make_target_with_a_description_is_documented():
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z0-9-]*):.*## ", makefile, re.M))
    documented = set(re.findall(r"make ([a-z][a-z0-9-]*)", README))
    assert targets - documented - {"help", "env"} == set()


def test_no_row_of_the_readmes_tables_says_the_same_thing_twice():
    rows = [row for row in table_rows() if row not in {"variable", "command", "folder", ""}]
    names = [name for row in rows for name in re.findall(r"`([^`]+)`", row)]
    assert sorted({n for n in names if names.count(n) > 1}) == []
