from django.apps import AppConfig


class PlaylistsConfig(AppConfig):
    name = "playlists"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from playlists import receivers  # noqa: F401  (connects the log-in receiver)
