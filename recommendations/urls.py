from django.urls import path

from recommendations import views

app_name = "recommendations"

# The recommendations' JSON API is recommendations/api.py's router, mounted under /api/ by
# songrec_site/api.py.
urlpatterns = [
    path("songs/<int:pk>/", views.song_detail, name="song"),
]
