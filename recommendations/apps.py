from django.apps import AppConfig


class RecommendationsConfig(AppConfig):
    name = "recommendations"

    def ready(self) -> None:
        from catalog import links

        # Song pages are this app's: the catalogue's links to songs point at them.
        links.register_song_view("recommendations:song")
