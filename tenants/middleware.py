from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from django_tenants.middleware.main import TenantMainMiddleware

from tenants.routing import province_for_host


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
        port = request.get_port()
        national_url = f"{request.scheme}://{settings.BASE_DOMAIN}{'' if port in ('80', '443') else ':' + port}/"
        context = {"hostname": hostname, "national_url": national_url}
        return TemplateResponse(request, "tenants/province_not_found.html", context, status=404).render()
