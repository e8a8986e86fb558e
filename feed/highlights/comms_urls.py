"""The comms workspace, under /comms/: communications staff only (others get 404)."""

from django.urls import path

from feed.highlights.views import workspace

app_name = "comms"

urlpatterns = [
    path("", workspace.workspace, name="workspace"),
    path("wins/<int:win_id>/propose/", workspace.propose, name="propose"),
    path("stories/<int:pk>/", workspace.editor, name="editor"),
    path("stories/<int:pk>/preview/", workspace.preview, name="preview"),
    path("stories/<int:pk>/share.png", workspace.share_image, name="share_image"),
    path("stories/<int:pk>/withdraw/", workspace.withdraw, name="withdraw"),
    path("stories/<int:pk>/propose-again/", workspace.propose_again, name="propose_again"),
]
