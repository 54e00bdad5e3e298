"""What the recommendation pages announce, for apps that build on them without them knowing."""

from django.dispatch import Signal

# Sent each time a song page is shown, with `request` and `song`.
song_page_viewed = Signal()
