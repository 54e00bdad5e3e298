from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from recommendations.selectors import active_build, song_with_recommendations
from recommendations.signals import song_page_viewed

RECOMMENDATIONS_SHOWN = 10


@require_safe
def song_detail(request: HttpRequest, pk: int) -> HttpResponse:
    # Anything but an explicit "1" keeps the default, so a hand-edited URL still renders.
    include_same_artist = request.GET.get("same_artist") == "1"
    song, recommendations = song_with_recommendations(
        pk, include_same_artist=include_same_artist, limit=RECOMMENDATIONS_SHOWN
    )
    if song is None:
        raise Http404("No song with that id.")
    song_page_viewed.send(sender=song_detail, request=request, song=song)
    return render(
        request,
        "recommendations/song.html",
        {
            "song": song,
            "recommendations": recommendations,
            "include_same_artist": include_same_artist,
            "has_active_build": bool(recommendations) or active_build() is not None,
        },
    )
