from django.urls import path

from core.urls import localized_route
from pages import views

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
    path("goal-colours.css", views.goal_colours_css, name="goal-colours"),
]
