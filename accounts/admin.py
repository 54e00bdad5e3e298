from django.contrib import admin

from accounts.models import Favourite, HistoryEntry, LoginFailure, ThrottledRequest


@admin.register(Favourite)
class FavouriteAdmin(admin.ModelAdmin):
    list_display = ["user", "song", "created_at"]
    list_select_related = ["user", "song"]
    # Millions of songs: pick by key, never in a drop-down.
    raw_id_fields = ["user", "song"]
    search_fields = ["user__username"]


@admin.register(HistoryEntry)
class HistoryEntryAdmin(admin.ModelAdmin):
    list_display = ["user", "kind", "song", "query", "artist", "track", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["user", "song"]
    raw_id_fields = ["user", "song"]
    search_fields = ["user__username"]


@admin.register(LoginFailure)
class LoginFailureAdmin(admin.ModelAdmin):
    list_display = ["username", "address", "created_at"]
    search_fields = ["username", "address"]


@admin.register(ThrottledRequest)
class ThrottledRequestAdmin(admin.ModelAdmin):
    list_display = ["action", "key", "created_at"]
    list_filter = ["action"]
    search_fields = ["key"]
