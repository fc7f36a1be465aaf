from django.conf import settings
from django.middleware.csp import ContentSecurityPolicyMiddleware as BaseCSPMiddleware


class ContentSecurityPolicyMiddleware(BaseCSPMiddleware):
    """Django's CSP, with the admin's slightly wider policy under /admin/."""

    def process_response(self, request, response):
        if request.path.startswith("/admin/") and not hasattr(response, "_csp_config"):
            response._csp_config = settings.ADMIN_CSP
        return super().process_response(request, response)
