from django.urls import path

from recommendations import views

app_name = "recommendations"

urlpatterns = [
    path("songs/<int:pk>/", views.song_detail, name="song"),
    path(
        "api/songs/<int:pk>/recommendations",
        views.api_song_recommendations,
        name="api_song_recommendations",
    ),
]
