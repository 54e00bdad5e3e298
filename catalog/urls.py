from django.urls import path

from catalog import views

app_name = "catalog"

urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("random", views.redirect_to_random_song, name="random"),
    path("artists/<path:artist_norm>/", views.artist_detail, name="artist"),
    path("api/search", views.api_search, name="api_search"),
    path("api/autocomplete", views.api_autocomplete, name="api_autocomplete"),
]
