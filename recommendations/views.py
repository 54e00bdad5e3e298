from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from catalog.models import Song
from recommendations.selectors import active_build, recommendations_for_song
from recommendations.signals import song_page_viewed

RECOMMENDATIONS_SHOWN = 10


@require_safe
def song_detail(request: HttpRequest, pk: int) -> HttpResponse:
    song = get_object_or_404(Song, pk=pk)
    song_page_viewed.send(sender=song_detail, request=request, song=song)
    # Anything but an explicit "1" keeps the default, so a hand-edited URL still renders.
    include_same_artist = request.GET.get("same_artist") == "1"
    recommendations = list(
        recommendations_for_song(
            song=song, include_same_artist=include_same_artist, limit=RECOMMENDATIONS_SHOWN
        )
    )
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


@require_safe
def api_song_recommendations(request: HttpRequest, pk: int) -> JsonResponse:
    same_artist = request.GET.get("same_artist", "0")
    if same_artist not in ("0", "1"):
        return JsonResponse({"error": "same_artist must be 0 or 1."}, status=400)
    song = Song.objects.filter(pk=pk).first()
    if song is None:
        return JsonResponse({"error": "No song with that id."}, status=404)
    recommendations = recommendations_for_song(
        song=song, include_same_artist=same_artist == "1", limit=RECOMMENDATIONS_SHOWN
    )
    return JsonResponse(
        {
            "song": {
                "id": song.pk,
                "artist": song.artist,
                "title": song.title,
                "playlist_count": song.playlist_count,
            },
            "recommendations": [
                {
                    "id": recommendation.neighbour.pk,
                    "artist": recommendation.neighbour.artist,
                    "title": recommendation.neighbour.title,
                    "similarity": recommendation.similarity,
                    "rank": recommendation.rank,
                }
                for recommendation in recommendations
            ],
        }
    )
