from django.urls import path

from core.urls import localized_route
from pages import views, widgets

app_name = "pages"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path(localized_route("mal/", "goals/"), views.GoalListView.as_view(), name="goal-list"),
    path(
        localized_route("mal/<int:number>/", "goals/<int:number>/"),
        views.GoalDetailView.as_view(),
        name="goal-detail",
    ),
    path(
        localized_route("lander/", "countries/"),
        views.CountryListView.as_view(),
        name="country-list",
    ),
    path(
        localized_route("lander/<str:code>/", "countries/<str:code>/"),
        views.CountryDetailView.as_view(),
        name="country-detail",
    ),
    path(
        localized_route("tillganglighet/", "accessibility/"),
        views.AccessibilityView.as_view(),
        name="accessibility",
    ),
    path(
        localized_route("organisationer/", "organisations/"),
        views.OrganisationListView.as_view(),
        name="organisation-list",
    ),
    path(
        localized_route("organisationer/<slug:slug>/", "organisations/<slug:slug>/"),
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path(
        localized_route("program/", "programmes/"),
        views.ProgrammeListView.as_view(),
        name="programme-list",
    ),
    path(
        localized_route("program/<slug:slug>/", "programmes/<slug:slug>/"),
        views.ProgrammeDetailView.as_view(),
        name="programme-detail",
    ),
    path(
        localized_route("omgangar/<slug:slug>/", "grant-rounds/<slug:slug>/"),
        views.GrantRoundDetailView.as_view(),
        name="round-detail",
    ),
    path(localized_route("om-registret/", "about/"), views.AboutView.as_view(), name="about"),
    path(localized_route("sok/", "search/"), views.SearchView.as_view(), name="search"),
    path(
        localized_route("statistik/", "statistics/"),
        views.StatisticsView.as_view(),
        name="statistics",
    ),
    path(
        localized_route("statistik/pdf/", "statistics/pdf/"),
        views.StatisticsPdfView.as_view(),
        name="statistics-pdf",
    ),
    path("goal-colours.css", views.goal_colours_css, name="goal-colours"),
]

# Widgets for other sites (pages/widgets.py), at each page's address + inbaddning/ (embed/);
# the municipality's page itself is the partnerships app's.
WIDGET_ROUTES = [
    ("municipality", "kommuner/<slug:slug>/", "municipalities/<slug:slug>/"),
    ("country", "lander/<str:code>/", "countries/<str:code>/"),
    ("goal", "mal/<int:number>/", "goals/<int:number>/"),
    ("programme", "program/<slug:slug>/", "programmes/<slug:slug>/"),
    ("organisation", "organisationer/<slug:slug>/", "organisations/<slug:slug>/"),
    # The lists' widgets take the list's query string (before the records' own routes,
    # so these are no project's or partnership's slug).
    ("partnership-list", "partnerskap/", "partnerships/"),
    ("project-list", "projekt/", "projects/"),
]
urlpatterns += [
    path(
        localized_route(sv + "inbaddning/", en + "embed/"),
        widgets.WidgetView.as_view(route=f"pages:{kind}-embed"),
        name=f"{kind}-embed",
    )
    for kind, sv, en in WIDGET_ROUTES
]
