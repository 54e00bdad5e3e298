from django.urls import path, register_converter

from playlists import views

app_name = "playlists"


class ExportFormat:
    regex = "jspf|m3u8|csv"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(ExportFormat, "export_format")

urlpatterns = [
    path("playlist/", views.playlist, name="playlist"),
    path("playlist/add/<int:pk>", views.add, name="add"),
    path("playlist/drop/<int:pk>", views.drop, name="drop"),
    path("playlist/clear", views.clear, name="clear"),
    path("playlist/save", views.save, name="save"),
    path("playlist/export.<export_format:fmt>", views.export, name="export"),
    path("playlists/", views.saved_list, name="saved_list"),
    path("playlists/<int:playlist_id>/open", views.saved_open, name="saved_open"),
    path("playlists/<int:playlist_id>/rename", views.saved_rename, name="saved_rename"),
    path("playlists/<int:playlist_id>/delete", views.saved_delete, name="saved_delete"),
    path(
        "playlists/<int:playlist_id>/export.<export_format:fmt>",
        views.saved_export,
        name="saved_export",
    ),
]
