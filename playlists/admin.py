from django.contrib import admin

from playlists.models import Playlist, PlaylistEntry


class PlaylistEntryInline(admin.TabularInline):
    model = PlaylistEntry
    raw_id_fields = ["song"]
    extra = 0


@admin.register(Playlist)
class PlaylistAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["title", "user__username"]
    raw_id_fields = ["user"]
    inlines = [PlaylistEntryInline]
