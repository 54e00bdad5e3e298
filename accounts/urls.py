from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views

app_name = "accounts"

urlpatterns = [
    path("accounts/sign-up/", views.sign_up, name="sign_up"),
    path("accounts/log-in/", views.LogInView.as_view(), name="login"),
    path("accounts/log-out/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "accounts/password/reset/sent/",
        views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("songs/<int:pk>/favourite", views.favourite, name="favourite"),
    path("songs/<int:pk>/unfavourite", views.unfavourite, name="unfavourite"),
    path("favourites/", views.favourites, name="favourites"),
    path("history/", views.history, name="history"),
    path("history/<int:pk>/delete", views.history_delete, name="history_delete"),
    path("history/clear", views.history_clear, name="history_clear"),
    path("for-you/", views.for_you, name="for_you"),
]
