import getpass

from django.contrib.auth.models import Group, User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from core.roles import ADMINISTRATORS, EDITORS, STAFF

ROLES = {"editor": EDITORS, "staff": STAFF, "administrator": ADMINISTRATORS}


class Command(BaseCommand):
    help = (
        "Create a user who can log in to the admin, in the Editors, Staff or Administrators group."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES), default="editor")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-from-env",
            metavar="VARIABLE",
            help="Read the password from this environment variable instead of asking.",
        )

    def handle(self, *args, username, role, email, password_from_env, **options):
        import os

        if User.objects.filter(username=username).exists():
            raise CommandError(f"A user called {username!r} exists already.")
        if password_from_env:
            password = os.environ.get(password_from_env, "")
        else:
            password = getpass.getpass("Password: ")
        user = User(username=username, email=email, is_staff=True)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        user.groups.add(Group.objects.get(name=ROLES[role]))
        self.stdout.write(self.style.SUCCESS(f"{username} can now log in at /admin/ as {role}."))
