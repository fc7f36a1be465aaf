"""The whole open-data files, written once per data version and served from disk.

/partnerskap/bidrag.json, /partnerskap/iati.xml and /projekt/iati.xml without filters
change only when the register's data does (core.cache.data_version()), yet computing
one takes a worker seconds and ~100 MB. So the first request after a change has the
file written into OPEN_DATA_FILES_ROOT under a name that holds the data version, the
code's version (code_version) and the address it answers, and every later request is
served that file (the web server sends it from disk; no query, no slot of the download
limit). A filtered file is computed for its request, as before, under the download
limit (core.throttle).

The file is written by rendering the address as it is served (the whole middleware, so
a draft is hidden exactly as on the live address), by `manage.py write_open_data_file`
in a separate process (OPEN_DATA_FILES_BUILD = "process": the worker's memory does not
grow, and the process gives its memory back when it ends), or inside the request
("request"). One build runs per file over all workers (a key in the shared cache); the
requests that come meanwhile take a download slot and receive the file as it is written,
so nobody waits for the whole build before the first bytes. The file appears under its
final name only when it is complete; files of earlier data versions are removed then.

While the shared cache is down there is no data version to key files on, so the files
are computed for each request (like every page then, core.cache); so they are when the
folder cannot be written, or for the request whose build failed (logged): a download is
never answered with less than the whole file."""

import hashlib
import logging
import mimetypes
import os
import subprocess
import sys
import threading
import time
from functools import lru_cache, wraps
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed
from django.db import connection
from django.dispatch import receiver
from django.http import FileResponse, StreamingHttpResponse

from core.cache import cache_is_down
from core.pagecache import NOT_FOR_VISITORS
from core.throttle import limit_rate, limit_streams
from opendata.http import request_version

logger = logging.getLogger(__name__)
READ_SIZE = 256 * 1024
POLL_SECONDS = 0.05


def stem(filename, address):
    """`bidrag-360giving-<digest of the absolute address>`: the same file name answers
    only the same scheme, host and path."""
    digest = hashlib.sha1(address.encode("utf-8", "surrogatepass"), usedforsecurity=False)
    base, _ = os.path.splitext(filename)
    return f"{base}-{digest.hexdigest()[:12]}"


@lru_cache(maxsize=1)
def code_version():
    """A digest of the project's own code (every .py file of its apps), read once a
    process: a deploy that changes how a format is written gets new files though the
    data is the same, instead of what the old code wrote."""
    from django.apps import apps

    base = Path(settings.BASE_DIR).resolve()
    digest = hashlib.sha1(usedforsecurity=False)
    for config in apps.get_app_configs():
        folder = Path(config.path).resolve()
        if base not in folder.parents:
            continue
        for source in sorted(folder.rglob("*.py")):
            digest.update(str(source.relative_to(base)).encode())
            digest.update(source.read_bytes())
    return digest.hexdigest()[:12]


def target_path(filename, address, version):
    extension = os.path.splitext(filename)[1]
    name = f"{stem(filename, address)}-{version}{code_version()}{extension}"
    return Path(settings.OPEN_DATA_FILES_ROOT) / name


def part_path(target):
    return target.with_name(target.name + ".part")


def write_file(address, target, render):
    """Writes what `render(address)` answers (a streaming response) to `target`, through
    `<target>.part`, renamed when complete; then removes the same address's files of
    other data versions. Returns whether the file was written."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    part = part_path(target)
    response = render(address)
    if response.status_code != 200:
        return False
    try:
        with open(part, "wb") as out:
            for chunk in response.streaming_content:
                out.write(chunk)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    prefix = target.name.rsplit("-", 1)[0] + "-"
    for old in target.parent.glob(prefix + "*"):
        if old != target and not old.name.endswith(".part"):
            old.unlink(missing_ok=True)
    return True


# Set in the WSGI environ of the request that writes a file (a client cannot set it: what
# a client sends arrives as HTTP_… keys).
BUILDING = "register.writing_whole_file"


@lru_cache(maxsize=1)
def site_handler():
    """Django's handler with the site's middleware, made once: making it reads every
    static file for WhiteNoise, about 60 ms, which was most of an archived page's cost."""
    from django.core.handlers.wsgi import WSGIHandler

    return WSGIHandler()


@receiver(setting_changed)
def forget_site_handler(**kwargs):
    site_handler.cache_clear()  # a test that changes the settings gets a new handler


def render_as_served(address):
    """The response the site gives for `address` (an absolute http(s) address of this
    site), through every middleware, computed rather than read from a file and without
    the download limit (the request that asked for the file holds that slot). Django's
    handler is called without its request signals, which would close the database
    connection of the request this may run in."""
    from urllib.parse import urlsplit

    from django.test import RequestFactory

    parts = urlsplit(address)
    request = RequestFactory().get(
        parts.path + (f"?{parts.query}" if parts.query else ""),
        secure=parts.scheme == "https",
        HTTP_HOST=parts.netloc,
        **{BUILDING: True, NOT_FOR_VISITORS: True},
    )
    return site_handler().get_response(request)


def build_key(target):
    return f"open-data-file:building:{Path(target).name}"


def start_build(address, target):
    """Starts writing the file unless another worker is writing it already; returns the
    process that writes it, if this call started one."""
    if not cache.add(build_key(target), os.getpid(), timeout=settings.OPEN_DATA_FILES_TIMEOUT):
        return None
    if settings.OPEN_DATA_FILES_BUILD == "request":
        try:
            write_file(address, target, render_as_served)
        except OSError:
            logger.exception("could not write %s", target)
        finally:
            cache.delete(build_key(target))
        return None
    manage = settings.BASE_DIR / "manage.py"
    # manage.py of the checkout, else Django's own entry point (an installed package).
    command = [sys.executable, str(manage)] if manage.exists() else [sys.executable, "-m", "django"]
    try:
        process = subprocess.Popen(
            [*command, "write_open_data_file", address, str(target)],
            env={**os.environ, "DATABASE_NAME": str(connection.settings_dict["NAME"])},
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError:
        logger.exception("could not start writing %s", target)
        cache.delete(build_key(target))
        return None
    # Reaped when it ends, whoever reads the file.
    threading.Thread(target=process.wait, daemon=True).start()
    return process


def started(target, process=None):
    """Waits until the file is being written or complete: False when its build ended
    (or its process died) without writing anything, or wrote nothing for
    OPEN_DATA_FILES_TIMEOUT seconds."""
    part = part_path(target)
    deadline = time.monotonic() + settings.OPEN_DATA_FILES_TIMEOUT
    while time.monotonic() < deadline:
        if target.exists() or part.exists():
            return True
        ended = process is not None and process.poll() is not None
        if ended or not cache.get(build_key(target)):
            if ended:
                cache.delete(build_key(target))
            return target.exists() or part.exists()
        time.sleep(POLL_SECONDS)
    return False


def usable(root):
    """Whether the folder for the files exists (or can be made) and can be written."""
    try:
        Path(root).mkdir(parents=True, exist_ok=True)
    except OSError:
        return False
    return os.access(root, os.W_OK)


def follow(target):
    """The file's bytes as they are written, until it is complete. A build that failed
    before writing ends the download at once; one that makes no progress for
    OPEN_DATA_FILES_TIMEOUT seconds ends it there (the client sees it cut short, as when
    a server dies mid-file)."""
    part, handle = part_path(target), None
    last_progress = time.monotonic()
    try:
        while True:
            if handle is None:
                for candidate in (target, part):
                    try:
                        handle = open(candidate, "rb")
                        break
                    except FileNotFoundError:
                        continue
            if handle is not None:
                done = target.exists()  # before reading: then the read reaches the end
                data = handle.read(READ_SIZE)
                if data:
                    last_progress = time.monotonic()
                    yield data
                    continue
                if done:
                    return
            elif not cache.get(build_key(target)):
                return  # the build ended without writing anything (its log says why)
            if time.monotonic() - last_progress > settings.OPEN_DATA_FILES_TIMEOUT:
                return
            time.sleep(POLL_SECONDS)
    finally:
        if handle is not None:
            handle.close()


def written_size(request, filename, path):
    """The size in bytes of the whole file at `path` (whose view is decorated with
    whole_file(filename)) as written for the current data version, or None when it is
    not written yet (or files are not kept): no query, a look at the folder."""
    if not settings.OPEN_DATA_FILES_ROOT or cache_is_down():
        return None
    address = request.build_absolute_uri(path)
    try:
        return target_path(filename, address, request_version(request)).stat().st_size
    except OSError:
        return None


def whole_file(filename):
    """Decorates an open-data view whose answer without parameters is a whole file (see
    the module's docstring); `filename` is the name the download gets."""
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    if content_type.startswith("text/") or content_type.endswith(("json", "xml")):
        content_type += "; charset=utf-8"

    def decorate(view):
        limited = limit_streams(view)

        @limit_streams
        def being_written(request, address, target, *args, **kwargs):
            process = start_build(address, target)
            if not started(target, process):
                # The build failed (its log says why): this request computes the file.
                return view(request, *args, **kwargs)
            response = StreamingHttpResponse(follow(target), content_type=content_type)
            response["Content-Disposition"] = f'inline; filename="{filename}"'
            return response

        @limit_rate
        def written(request, address, target, *args, **kwargs):
            try:
                handle = open(target, "rb")
            except FileNotFoundError:  # replaced by a newer version's meanwhile
                return being_written(request, address, target, *args, **kwargs)
            response = FileResponse(handle, content_type=content_type)
            response["Content-Disposition"] = f'inline; filename="{filename}"'
            return response

        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.META.get(BUILDING):
                return view(request, *args, **kwargs)
            if (
                not settings.OPEN_DATA_FILES_ROOT
                or request.GET
                or request.method not in ("GET", "HEAD")
                or cache_is_down()
                or not usable(settings.OPEN_DATA_FILES_ROOT)
            ):
                return limited(request, *args, **kwargs)
            address = request.build_absolute_uri(request.path)
            target = target_path(filename, address, request_version(request))
            if not target.exists():
                return being_written(request, address, target, *args, **kwargs)
            return written(request, address, target, *args, **kwargs)

        return wrapped

    return decorate
