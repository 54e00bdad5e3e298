"""What the catalogue announces, for apps that build on it without it knowing them."""

from django.dispatch import Signal

# Sent by the search page for each valid search, with `request`, `query`, `artist` and `track`.
song_search_done = Signal()
