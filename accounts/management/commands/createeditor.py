import getpass

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from accounts.editors import EDITORS_GROUP
from core.addresses import validate_deliverable


class Command(BaseCommand):
    help = "Create an editor: a staff member in the Editors group (content, not users)."

    def add_arguments(self, parser):
        parser.add_argument("--email", help="The editor's email address (asked for when omitted).")

    def handle(self, *args, email: str | None = None, **options):
        User = get_user_model()
        email = (email or input("Email: ")).strip()
        try:
            validate_deliverable(email)
        except ValidationError as error:
            raise CommandError(error.messages[0]) from error
        if User.objects.filter(email__iexact=email).exists():
            raise CommandError(f"{email} already has an account.")
        password = getpass.getpass("Password: ")
        if len(password) < 8:
            raise CommandError("The password needs at least 8 characters.")
        user = User.objects.create_user(email=email, password=password, is_staff=True)
        user.groups.add(Group.objects.get(name=EDITORS_GROUP))
        # Sign-in requires a confirmed address; whoever runs this at the console vouches for it.
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
        self.stdout.write(f"Editor {email} created: sign in at /admin/.")
