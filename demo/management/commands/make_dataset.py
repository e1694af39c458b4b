from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from demo.dataset import Sizes, dataset_make


class Command(BaseCommand):
    help = (
        "Generate synthetic tools, reviews, comparisons, members, votes and subscribers in bulk "
        "(COPY) into the configured database, replacing the previous synthetic set."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tools", type=int, default=1000)
        parser.add_argument("--votes", type=int, default=100_000)
        parser.add_argument("--subscribers", type=int, default=10_000)
        parser.add_argument(
            "--members", type=int, help="Voting members (default: one per 20 votes)."
        )
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument("--quiet", action="store_true", help="No progress bars.")

    def handle(self, *args, tools, votes, subscribers, members, seed, quiet, **options):
        if tools < 2 or votes < 0 or subscribers < 0 or (members is not None and members < 1):
            raise CommandError("Sizes: --tools at least 2; --votes, --subscribers at least 0.")
        members = members or max(1, votes // 20)
        if votes > members * tools:
            raise CommandError(
                f"{votes} votes cannot fit: {members} members can cast at most one vote "
                f"on each of {tools} tools."
            )
        bars = []

        def progress(label: str, total: int):
            if bars:
                bars[-1].close()
            bar = tqdm(total=total, desc=f"{label:<12}", unit="row", disable=quiet)
            bars.append(bar)
            return bar.update

        counts = dataset_make(
            sizes=Sizes(tools=tools, votes=votes, subscribers=subscribers, members=members),
            seed=seed,
            progress=progress,
        )
        for bar in bars:
            bar.close()
        self.stdout.write(
            "Dataset: " + ", ".join(f"{n} {what}" for what, n in counts.items()) + "."
        )
