"""Password spraying: django-axes locks a username at one address after a few failures,
but many usernames tried a few times each from one address lock nothing. This counts the
failed logins per client address in the shared cache; past LOGIN_FAILURES_PER_ADDRESS
within the cool-off (AXES_COOLOFF_TIME) the address may not log in at all until the
cool-off has passed. The log names the address and the account tried; the page only says
that the login failed."""

import logging

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied

logger = logging.getLogger(__name__)


def _key(request):
    return f"login-failures:{get_client_ip_address(request) or 'unknown'}"


class AddressLockoutBackend:
    """Placed before the backends that check passwords: refuses every login from an
    address that has failed too often (Django then stops asking the other backends). It
    has no get_user(), so sessions (and the test client's force_login) use the backend
    that checked the password."""

    def authenticate(self, request, username=None, **credentials):
        if request is None:
            return None
        failures = cache.get(_key(request)) or 0
        if failures >= settings.LOGIN_FAILURES_PER_ADDRESS:
            logger.warning(
                "login refused: %s failed logins from %s; account tried: %s",
                failures,
                get_client_ip_address(request),
                username,
            )
            raise PermissionDenied
        return None


def count_failed_login(sender, credentials=None, request=None, **kwargs):
    """user_login_failed: one more failure for the client's address."""
    if request is None:
        return
    key = _key(request)
    seconds = int(settings.AXES_COOLOFF_TIME.total_seconds())
    cache.add(key, 0, timeout=seconds)
    try:
        cache.incr(key)
    except ValueError:  # expired between the two calls
        cache.set(key, 1, timeout=seconds)
