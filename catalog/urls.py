from django.urls import path

from catalog import views

app_name = "catalog"

# The catalogue's JSON API is catalog/api.py's router, mounted under /api/ by songrec_site/api.py.
urlpatterns = [
    path("", views.home, name="home"),
    path("search", views.search, name="search"),
    path("random", views.redirect_to_random_song, name="random"),
    path("artists/<path:artist_norm>/", views.artist_detail, name="artist"),
]
