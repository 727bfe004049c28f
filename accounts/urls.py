from django.urls import path

from accounts import views

urlpatterns = [
    # Before allauth's URLs in the site's map, so that this view answers its address.
    path("accounts/signup/", views.SignupView.as_view(), name="account_signup"),
    path("user/<username:username>/", views.profile, name="profile"),
    path("user/<username:username>/popup/", views.profile_popup, name="profile_popup"),
    path("settings/profile/", views.profile_edit, name="profile_edit"),
    path("i18n/language/", views.language_set, name="set_language"),
    path("settings/tokens/", views.token_list, name="token_list"),
    path("settings/delete/", views.account_delete, name="account_delete"),
    path("settings/jobs/<int:job_id>/", views.job_status, name="job_status"),
    path("settings/jobs/<int:job_id>/download/", views.job_download, name="job_download"),
    path("settings/tokens/<int:token_id>/revoke/", views.token_revoke_confirm, name="token_revoke"),
]
