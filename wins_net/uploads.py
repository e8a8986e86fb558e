"""
Uploads refused for their size while they arrive, before the request is read to its end.

Django reads a form's body the first time `request.POST` or `request.FILES` is
touched, and hands each file, chunk by chunk, to the handlers of
FILE_UPLOAD_HANDLERS. Left to itself it reads a 2 GB "photo" to the end, into a
temporary file, before any form can say it is too big. `UploadLimitHandler`
comes first in that list: as soon as one file passes `settings.MAX_UPLOAD_BYTES`
it stops the parse with `StopUpload(connection_reset=True)`, and the rest of the
body is never read. What arrived before that point stays: the fields sent
before the file.

`UploadLimitMiddleware` reads the body before CSRF and the view do, and decides
the answer to a request whose file was stopped:

- a view marked `@upload_form` runs, with a `RefusedUpload` in `request.FILES`
  in place of the file: its form says the file is too large and shows again
  what was typed. Such forms put their file input after every other field, so
  that a browser sends all of them before the file;
- any other view is not called at all (it would see a form cut short): 413.

A body that is not a form, or a form's text beyond DATA_UPLOAD_MAX_MEMORY_SIZE,
is refused by Django from its Content-Length, before it is read; that is a 413
here too, rather than Django's 400.

The proxy in front refuses bodies well past these limits before they reach the
app (README, "How production runs").
"""

from __future__ import annotations

from collections.abc import Callable
from io import BytesIO
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse, UnreadablePostError
from django.shortcuts import render
from django.template.defaultfilters import filesizeformat

# Set on the request by the handler, read by the middleware.
_REFUSED = "_refused_upload"


class RefusedUpload(UploadedFile):
    """What `request.FILES` holds, for an `@upload_form` view, in place of a
    file stopped at `limit` bytes: its name, and none of its content."""

    def __init__(self, *, field_name: str, name: str, limit: int) -> None:
        super().__init__(file=BytesIO(), name=name, size=limit + 1)
        self.field_name = field_name
        self.limit = limit


class UploadLimitHandler(FileUploadHandler):
    """Stops reading the request when a file passes `settings.MAX_UPLOAD_BYTES`.

    First in FILE_UPLOAD_HANDLERS, so the handlers that keep files (in memory,
    or in a temporary file) never get more than the limit of one.
    """

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        limit = settings.MAX_UPLOAD_BYTES
        if start + len(raw_data) > limit:
            refused = RefusedUpload(field_name=self.field_name, name=self.file_name, limit=limit)
            setattr(self.request, _REFUSED, refused)
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handlers keep the file


def refused_upload(request: HttpRequest) -> RefusedUpload | None:
    """The file of `request` that was stopped for its size, once its body was read."""
    return getattr(request, _REFUSED, None)


def upload_form(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Mark `view` as one whose form tells people a file was too large (see the
    module's docstring); every other view answers such a request with 413."""
    view.upload_form = True
    return view


def too_large(request: HttpRequest, *, limit: int) -> HttpResponse:
    """The 413 page: what was sent is larger than `limit` bytes."""
    return render(request, "413.html", {"limit": filesizeformat(limit)}, status=413)


class UploadLimitMiddleware:
    """Reads a POST's body before CSRF and the view; 413 for what `UploadLimitHandler`
    stopped (unless the view is an `@upload_form`) and for what Django would not read.

    Goes before CsrfViewMiddleware, which would otherwise read the body first and
    answer Django's 400 to a body it refuses.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view_func: Callable[..., Any], view_args: Any, view_kwargs: Any
    ) -> HttpResponse | None:
        if request.method != "POST":
            return None  # Django reads no other method's body by itself
        try:
            request.POST  # noqa: B018 - reads the body, through UploadLimitHandler
        except RequestDataTooBig:
            return too_large(request, limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        except UnreadablePostError:
            return None  # the client went away mid-body; CSRF answers as it always did
        refused = refused_upload(request)
        if refused is None:
            return None
        if getattr(view_func, "upload_form", False):
            request.FILES.setlist(refused.field_name, [refused])
            return None
        return too_large(request, limit=refused.limit)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        """A view that reads a raw body (`request.body`) Django refused: 413."""
        if isinstance(exception, RequestDataTooBig):
            return too_large(request, limit=settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        return None
