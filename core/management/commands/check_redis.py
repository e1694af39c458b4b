import redis
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

START_HINT = (
    'start it with: redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save ""'
)


class Command(BaseCommand):
    requires_system_checks: list[str] = []
    help = "Check that Redis (the Celery broker, and the cache's if it has its own) answers."

    def handle(self, *args, **options):
        for url in dict.fromkeys([settings.REDIS_URL, settings.CACHE_REDIS_URL]):
            client = redis.Redis.from_url(url, socket_connect_timeout=2)
            try:
                client.ping()
            except redis.RedisError:
                raise CommandError(f"Redis is not reachable at {url}; {START_HINT}") from None
