# The newsletter's fixtures for a real Celery worker, SMTP server and reviewed comparison.
from tests.newsletter.conftest import (  # noqa: F401
    celery_worker,
    fast_sending,
    reviewed_comparison,
    site_url,
    start_worker,
    worker_env,
)
