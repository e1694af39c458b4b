import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

START_HINT = (
    'start it with: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save ""'
)


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Check that Redis (the cache and the Celery broker) answers."

    def handle(self, *args, **options):
        client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=2)
        try:
            client.ping()
        except redis.RedisError:
            raise CommandError(
                f"Redis is not reachable at {settings.REDIS_URL}; {START_HINT}"
            ) from None
