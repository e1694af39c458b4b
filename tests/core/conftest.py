import pytest

from tests.factories import ComparisonFactory, ReviewFactory


@pytest.fixture
def pair(panel):
    """A published comparison whose two tools each have the first seat's review."""
    comparison = ComparisonFactory()
    for tool in comparison.tools:
        ReviewFactory(tool=tool, persona=panel[0])
    return comparison
