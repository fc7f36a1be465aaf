from django.core.paginator import Paginator
from django.utils.translation import gettext as _

# How many records a page about something else (a goal, a country, a municipality)
# lists before linking to the list that filters them all.
DETAIL_LIST_SIZE = 50


def paginate(queryset, raw_page, per_page):
    """A page of `queryset` and, when the requested page was odd, a notice for the user.
    Never raises for bad input: a non-number gives the first page, a number past the end
    the last page."""
    paginator = Paginator(queryset, per_page)
    notice = None
    raw_page = (raw_page or "").strip()
    try:
        number = int(raw_page) if raw_page else 1
    except ValueError:
        number = 1
        notice = _("The page number “%(page)s” is not a number; showing the first page.") % {
            "page": raw_page[:20]
        }
    if number < 1:
        number = 1
        notice = _("Page numbers start at 1; showing the first page.")
    elif number > paginator.num_pages:
        notice = _("There is no page %(page)s; showing the last page, %(last)s.") % {
            "page": str(number)[:20],
            "last": paginator.num_pages,
        }
        number = paginator.num_pages
    return paginator.page(number), notice
