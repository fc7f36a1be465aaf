from django.conf import settings


def archive(request):
    """`archived_on`: the day the register became read-only, or None (core.readonly)."""
    return {"archived_on": settings.REGISTER_ARCHIVED_ON}
