"""Host → province, and what a province's status does to its hosts.

- active: the province serves its own requests.
- suspended: people get a maintenance page (503); provider webhooks (`/hooks/`) still go through,
  so nothing sent to the province is lost; its APIs answer 503 in their own format.
- merged: machines keep working (webhooks and APIs are served by the successor, under the old
  host, so Twilio's signature over the requested URL still holds); people are redirected to the
  successor's site, the old public pages to the section they were moved to.

The status comes with the Province row from the cached host lookup (`tenants.routing`), which a
status change drops (`tenants.lifecycle`), so checking it costs nothing. These answers are made
here, before `cms.cache.PageCacheMiddleware`, so none of them can be stored as a page.
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.request import split_domain_port
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.utils.encoding import escape_uri_path
from django.utils.translation import gettext as _

import phonenumbers
from django_tenants.middleware.main import TenantMainMiddleware
from wagtail.views import serve as wagtail_serve

from tenants.models import Province
from tenants.routing import province_for_host

# Paths that machines call (provider webhooks, the app's API, GeoReport v2), never people.
WEBHOOK_PREFIX = "/hooks/"
API_PREFIX = "/api/"
OPEN311_PREFIX = "/open311/"
MACHINE_PREFIXES = (WEBHOOK_PREFIX, API_PREFIX, OPEN311_PREFIX)
# What a client is told to wait before trying a suspended province again.
RETRY_AFTER_SECONDS = 3600
# A merged unit's successor may itself merge later; real chains are one or two long, a loop is an error.
MERGER_CHAIN_MAX = 5


class ProvinceMiddleware(TenantMainMiddleware):
    """Picks the province schema from the Host header, through a cached lookup.

    An unknown host gets a clear 404 page that names no province: never a fallback
    to some other province's content.
    """

    def get_tenant(self, domain_model, hostname):
        province = province_for_host(hostname)
        if province is None:
            raise domain_model.DoesNotExist(hostname)
        return province

    def no_tenant_found(self, request: HttpRequest, hostname: str) -> HttpResponse:
        return not_found_page(request, hostname)

    def process_request(self, request: HttpRequest) -> HttpResponse | None:
        answer = super().process_request(request)
        if answer is not None:
            return answer
        province = request.tenant
        if province.status == Province.Status.MERGED:
            return self.merged_host(request, province)
        if province.status == Province.Status.SUSPENDED:
            return suspended_answer(request, province)
        return None

    def merged_host(self, request: HttpRequest, province: Province) -> HttpResponse | None:
        chain = merger_chain(province)
        if chain is None:
            # The row says merged but no successor can be reached: an unknown host, rather than a guess.
            return unknown_host_page(request)
        successor = chain[-1]
        if request.path_info.startswith(MACHINE_PREFIXES):
            self.tenant_switch(request, successor)
            if successor.status == Province.Status.SUSPENDED:
                return suspended_answer(request, successor)
            return None
        return successor_redirect(request, chain)

    def tenant_switch(self, request: HttpRequest, province: Province) -> None:
        """Serve the request as the province's, as TenantMainMiddleware.process_request does for the host's."""
        province.domain_url = request.tenant.domain_url
        request.tenant = province
        connection.set_tenant(province)
        self.setup_url_routing(request)


def not_found_page(request: HttpRequest, hostname: str) -> HttpResponse:
    context = {"hostname": hostname, "national_url": national_url(request)}
    return TemplateResponse(request, "tenants/province_not_found.html", context, status=404).render()


def unknown_host_page(request: HttpRequest) -> HttpResponse:
    """The page of an unknown host, for a host whose province was found but cannot serve it."""
    hostname = request.tenant.domain_url
    request.tenant = None
    connection.set_schema_to_public()
    return not_found_page(request, hostname)


def national_url(request: HttpRequest) -> str:
    return f"{request.scheme}://{settings.BASE_DOMAIN}{_port_suffix(request)}/"


def _port_suffix(request: HttpRequest) -> str:
    # The port the visitor used, from the Host header: behind a proxy, the server's own port is another.
    _domain, port = split_domain_port(request.get_host())
    return f":{port}" if port and port not in ("80", "443") else ""


def _language(request: HttpRequest) -> str:
    # DefaultLanguageMiddleware comes later: choose the language the same way it will.
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    return chosen if chosen in {code for code, _name in settings.LANGUAGES} else settings.LANGUAGE_CODE


# --- Suspended ------------------------------------------------------------------------------------


def suspended_answer(request: HttpRequest, province: Province) -> HttpResponse | None:
    """None for what must still go through (webhooks, static files); a 503 for everything else."""
    path = request.path_info
    if path.startswith(WEBHOOK_PREFIX) or path.startswith(settings.STATIC_URL):
        return None
    with translation.override(_language(request)):
        if path.startswith(API_PREFIX):
            response = _api_unavailable(province)
        elif path.startswith(OPEN311_PREFIX):
            response = _open311_unavailable(province, path)
        else:
            response = _maintenance_page(request, province)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


def _unavailable_text(province: Province) -> str:
    return _("The 1022 hotline of %(name)s is temporarily suspended and cannot take reports now.") % {
        "name": province.name
    }


def _api_unavailable(province: Province) -> HttpResponse:
    body = {"detail": _unavailable_text(province), "notice": province.suspension_notice}
    return HttpResponse(
        json.dumps(body, ensure_ascii=False), status=503, content_type="application/json; charset=utf-8"
    )


def _open311_unavailable(province: Province, path: str) -> HttpResponse:
    from channels.open311.formats import JSON, XML, Open311Error, error_response

    descriptions = [_unavailable_text(province)]
    if province.suspension_notice:
        descriptions.append(province.suspension_notice)
    return error_response(JSON if path.endswith(".json") else XML, Open311Error(503, *descriptions))


def _maintenance_page(request: HttpRequest, province: Province) -> HttpResponse:
    # Rendered without the request's context processors: nothing from the province's schema is read.
    context = {
        "province": province,
        "notice": province.suspension_notice,
        "fallback_number": province.fallback_number,
        "fallback_display": _number_display(province.fallback_number),
        "national_url": national_url(request),
        "LANGUAGE_CODE": translation.get_language(),
    }
    return HttpResponse(render_to_string("tenants/maintenance.html", context), status=503)


def _number_display(e164: str) -> str:
    """+842743822022 → 0274 3822 022, as people write it."""
    if not e164:
        return ""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164, None), phonenumbers.PhoneNumberFormat.NATIONAL)
    except phonenumbers.NumberParseException:
        return e164


# --- Merged -----------------------------------------------------------------------------------------


def merger_chain(province: Province) -> list[Province] | None:
    """[the merged unit, …, the province that now serves it]; None for a broken or looping chain.

    One small query per link; only a merged unit's host pays it.
    """
    chain = [province]
    while chain[-1].status == Province.Status.MERGED:
        if len(chain) > MERGER_CHAIN_MAX:
            return None
        successor = Province.objects.filter(pk=chain[-1].merged_into_id).first()
        if successor is None or any(unit.pk == successor.pk for unit in chain):
            return None
        chain.append(successor)
    return chain


def successor_redirect(request: HttpRequest, chain: list[Province]) -> HttpResponse:
    """Permanent for GET and HEAD; 307 for the rest, so a form posted to the old host keeps its method."""
    successor = chain[-1]
    host = successor.primary_host
    if host is None:
        return unknown_host_page(request)
    path = request.path
    for unit in chain[:-1]:
        path = path_on_successor(path, unit)
    query = request.META.get("QUERY_STRING", "")
    url = f"{request.scheme}://{host}{_port_suffix(request)}{escape_uri_path(path)}{'?' + query if query else ''}"
    status = 301 if request.method in ("GET", "HEAD") else 307
    return HttpResponseRedirect(url, status=status)


def path_on_successor(path: str, unit: Province) -> str:
    """Where `path` of the merged unit's site lives on its successor's.

    Its home page and the rest of its public pages moved under its section (`merged_section_path`),
    keeping their relative paths; every other path (the report form, the status page, logins,
    the admin) is the successor's own.
    """
    section = unit.merged_section_path.strip("/")
    if not section:
        return path
    if path == "/" or _serves_page(path):
        return f"/{section}{path}"
    return path


def _serves_page(path: str) -> bool:
    # The province URLconf (config.urls_tenants) ends with Wagtail's catch-all page view. A page's
    # path without its final slash counts too: the successor adds the slash, as the unit did.
    candidates = (path,) if path.endswith("/") else (path, f"{path}/")
    for candidate in candidates:
        try:
            match = resolve(candidate, urlconf=settings.ROOT_URLCONF)
        except Resolver404:
            continue
        return match.func is wagtail_serve
    return False
