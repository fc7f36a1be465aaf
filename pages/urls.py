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
    path("goal-colours.css", views.goal_colours_css, name="goal-colours"),
]
