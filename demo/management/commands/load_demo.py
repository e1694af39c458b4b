from django.core.management.base import BaseCommand

from demo.catalogue import demo_load


class Command(BaseCommand):
    help = "Load the demo catalogue, panel and comparisons. Safe to run again: it changes nothing."

    def handle(self, *args, **options):
        counts = demo_load()
        self.stdout.write(
            "Demo data: {created} created, {updated} updated, {unchanged} unchanged.".format(
                created=counts["created"], updated=counts["updated"], unchanged=counts["unchanged"]
            )
        )
