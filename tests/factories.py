import datetime as dt

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import User
from comparisons.models import Comparison
from newsletter.models import Edition, Subscriber
from reviews.models import Call, Persona, Review, Vote
from tools.models import Bookmark, Category, Tool

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"member{n}@example.com")
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """``verified=True``: the address is confirmed, so the member can sign in with it."""
        if create and extracted:
            EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)


class CategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")
    description = "Tools that do one kind of job."


class ToolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tool

    name = factory.Sequence(lambda n: f"Tool {n}")
    slug = factory.Sequence(lambda n: f"tool-{n}")
    tagline = factory.LazyAttribute(lambda t: f"What {t.name} is best for")
    description = factory.LazyAttribute(lambda t: f"{t.name} does a useful thing for builders.")
    category = factory.SubFactory(CategoryFactory)
    vendor = "Acme AI"
    pricing_entry = Tool.Pricing.FREE
    pricing_detail = "Free / Open weights"
    status = Tool.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))

    class Params:
        draft = factory.Trait(status=Tool.Status.DRAFT, published_at=None)


class PersonaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Persona
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Persona {n}")
    slug = factory.Sequence(lambda n: f"persona-{n}")
    lens = "What this seat judges."
    order = factory.Sequence(int)


class ReviewFactory(factory.django.DjangoModelFactory):
    """A review saved through the service, so the tool's panel counts follow."""

    class Meta:
        model = Review

    tool = factory.SubFactory(ToolFactory)
    persona = factory.SubFactory(PersonaFactory)
    score = 80
    call = Call.SHIP
    body = "A considered paragraph of reasoning."

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from reviews.services import review_save

        return review_save(review=model_class(*args, **kwargs))


class ComparisonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comparison

    tool_a = factory.SubFactory(ToolFactory)
    tool_b = factory.SubFactory(ToolFactory, category=factory.SelfAttribute("..tool_a.category"))
    editor_note = "Two tools for the same job."
    status = Comparison.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))


class VoteFactory(factory.django.DjangoModelFactory):
    """A vote cast through the service, so the tool's community counts follow."""

    class Meta:
        model = Vote

    member = factory.SubFactory(UserFactory)
    tool = factory.SubFactory(ToolFactory)
    value = Call.SHIP

    @classmethod
    def _create(cls, model_class, *args, member, tool, value, **kwargs):
        from reviews.services import vote_cast

        return vote_cast(member=member, tool=tool, value=value)


class BookmarkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Bookmark

    member = factory.SubFactory(UserFactory)
    tool = factory.SubFactory(ToolFactory)


class SubscriberFactory(factory.django.DjangoModelFactory):
    """An active subscriber: one who confirmed. ``pending`` and ``unsubscribed`` are traits."""

    class Meta:
        model = Subscriber

    email = factory.Sequence(lambda n: f"reader{n}@example.com")
    status = Subscriber.Status.ACTIVE
    confirmed_at = factory.LazyFunction(timezone.now)

    class Params:
        pending = factory.Trait(status=Subscriber.Status.PENDING, confirmed_at=None)
        unsubscribed = factory.Trait(
            status=Subscriber.Status.UNSUBSCRIBED,
            unsubscribed_at=factory.LazyFunction(timezone.now),
        )


class EditionFactory(factory.django.DjangoModelFactory):
    """A draft edition; pass ``comparisons=[...]`` to fill it."""

    class Meta:
        model = Edition
        skip_postgeneration_save = True

    key = factory.Sequence(lambda n: f"test-{n}")
    subject = factory.Sequence(lambda n: f"This week on Verdicts, number {n}")
    intro = "Two pairs of tools went before the panel this week."
    covers_until = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def comparisons(self, create, extracted, **kwargs):
        if create and extracted:
            self.comparisons.set(extracted)
