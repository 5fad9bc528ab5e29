from allauth.account.views import LogoutView
from django.contrib import admin
from django.urls import include, path

from appraisals.views.email_preferences import email_preferences
from signin import views as signin_views

urlpatterns = [
    # allauth's sign-in page, wrapped by django-axes (signin.views.LoginView).
    path("accounts/login/", signin_views.login, name="account_login"),
    path("accounts/login/", signin_views.login, name="login"),  # the name used before allauth
    path("accounts/logout/", LogoutView.as_view(), name="logout"),
    # A person's email address is their council's to set (by invitation): never changed
    # here, as signing in through a council's provider finds people by it.
    path("accounts/email/", signin_views.not_found),
    path("", include("signin.urls")),
    path(
        "accounts/oidc/<str:provider_id>/login/",
        signin_views.provider_start,
        name="openid_connect_login",
    ),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("council/", include("councils.urls")),
    # Which e-mails a person gets (named so appraisals/emails.py links every footer here)
    path("emails/", email_preferences, name="email-preferences"),
    path("", include("appraisals.urls")),
]

# An uncaught error: a 503 with Retry-After while the database is unreachable, else Django's
# own 500 page (councilopts/errors.py).
handler500 = "councilopts.errors.server_error"
