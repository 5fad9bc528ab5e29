from django.urls import path

from . import views

app_name = "signin"

urlpatterns = [
    path("accounts/council/", views.council_sign_in, name="council-sign-in"),
    path("accounts/", views.account, name="account"),
    path("accounts/sign-out-everywhere/", views.sign_out_everywhere, name="sign-out-everywhere"),
    path("council/<int:pk>/sign-in/", views.council_settings, name="council-settings"),
]
