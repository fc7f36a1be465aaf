from django.core.management.base import BaseCommand

from corrections.models import ErrorReport


class Command(BaseCommand):
    help = (
        "Erases the e-mail addresses of reported errors older than ERROR_REPORT_EMAIL_DAYS "
        "(run daily; closed reports lose theirs when they are closed)."
    )

    def handle(self, *args, **options):
        erased = ErrorReport.objects.expire_addresses()
        if options["verbosity"]:
            self.stdout.write(f"{erased} e-mail addresses erased.")
