from django.urls import path

from .views import lists, workspace

app_name = "appraisals"

urlpatterns = [
    # Lists
    path("", lists.home, name="home"),
    # The appraisal workspace
    path("appraisals/<slug:reference>/", workspace.appraisal, name="appraisal"),
]
