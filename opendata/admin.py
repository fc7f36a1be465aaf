"""The admin's page for releases (opendata/releases.py): administrators, who manage the
accounts (`auth.change_user`), make a release with a button; the releases made so far
are listed with their checksums. Also while the register is archived: a release writes
files, not records."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from opendata.releases import make_release, release_list

RELEASE_PERMISSION = "auth.change_user"


def releases(request):
    if not request.user.has_perm(RELEASE_PERMISSION):
        raise PermissionDenied
    if request.method == "POST":
        name = make_release(request.build_absolute_uri("/").rstrip("/"))
        messages.success(request, _("Release %(name)s is written.") % {"name": name})
        return redirect("admin:releases")
    context = {
        **admin.site.each_context(request),
        "title": _("Releases of the open data"),
        "releases": release_list(),
    }
    return TemplateResponse(request, "admin/releases.html", context)


admin.site.register_view(
    "utgavor/",
    releases,
    name="releases",
    title=gettext_lazy("Releases of the open data"),
    permission=RELEASE_PERMISSION,
)
