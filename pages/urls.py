from django.urls import path

from pages import views

app_name = "pages"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("mal/", views.GoalListView.as_view(), name="goal-list"),
    path("mal/<int:number>/", views.GoalDetailView.as_view(), name="goal-detail"),
    path("lander/", views.CountryListView.as_view(), name="country-list"),
    path("lander/<str:code>/", views.CountryDetailView.as_view(), name="country-detail"),
    path("tillganglighet/", views.AccessibilityView.as_view(), name="accessibility"),
    path("organisationer/", views.OrganisationListView.as_view(), name="organisation-list"),
    path(
        "organisationer/<slug:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("program/", views.ProgrammeListView.as_view(), name="programme-list"),
    path("program/<slug:slug>/", views.ProgrammeDetailView.as_view(), name="programme-detail"),
    path("omgangar/<slug:slug>/", views.GrantRoundDetailView.as_view(), name="round-detail"),
    path("om-registret/", views.AboutView.as_view(), name="about"),
    path("sok/", views.SearchView.as_view(), name="search"),
    path("statistik/", views.StatisticsView.as_view(), name="statistics"),
    path("goal-colours.css", views.goal_colours_css, name="goal-colours"),
]
