from django.urls import path

from . import bodies, facts, views

app_name = "councils"

urlpatterns = [
    # Which council you act for, and the way into its area
    path("", views.council_home, name="home"),
    path("switch/", views.switch, name="switch"),
    # An invitation link (works signed out)
    path("invitations/<str:token>/", views.invitation, name="invitation"),
    # A council's administration (its administrators only)
    path("<int:pk>/people/", views.people, name="people"),
    path("<int:pk>/people/<int:membership>/", views.person, name="person"),
    path("<int:pk>/people/<int:membership>/remove/", views.person_remove, name="person-remove"),
    path("<int:pk>/invitations/", views.invitations, name="invitations"),
    path("<int:pk>/invitations/new/", views.invite, name="invite"),
    path(
        "<int:pk>/invitations/<int:invitation>/withdraw/",
        views.invitation_withdraw,
        name="invitation-withdraw",
    ),
    path(
        "<int:pk>/invitations/<int:invitation>/resend/",
        views.invitation_resend,
        name="invitation-resend",
    ),
    path("<int:pk>/history/", views.history, name="history"),
    # Partner bodies of its appraisals, and their first administrators
    path("<int:pk>/bodies/", bodies.bodies, name="bodies"),
    path("<int:pk>/bodies/<int:body>/administrator/", bodies.designate, name="designate"),
    # Its population, budget and character (appraisals' scope pages and reports read them)
    path("<int:pk>/facts/", facts.facts, name="facts"),
]
