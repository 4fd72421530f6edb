from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from django_tenants.utils import get_public_schema_name

from tenants.models import Province
from tenants.roles import user_roles


def national_home(request: HttpRequest) -> HttpResponse:
    """The national site: which provinces run on the platform and where. Public information only."""
    provinces = (
        Province.objects.provinces()
        .filter(status=Province.Status.ACTIVE)
        .prefetch_related("dialing_prefixes", "domains")
        .order_by("name")
    )
    return render(request, "tenants/national_home.html", {"provinces": provinces})


@login_required
def account_home(request: HttpRequest) -> HttpResponse:
    """Where a login lands: who you are, in which province, with which roles, and where to go."""
    return render(request, "tenants/account_home.html", {"roles": user_roles(request.user)})


@login_required
def work_start(request: HttpRequest) -> HttpResponse:
    """Where a login lands: the screen the user works in, or the account page if they have none."""
    if request.tenant.schema_name == get_public_schema_name():
        if request.user.has_perm("tenants.view_national_reports"):
            return redirect("oversight:overview")
    else:
        if request.user.has_perm("cases.work_case"):
            return redirect("cases:inbox")
        if getattr(request.user, "agency_membership", None) is not None:
            return redirect("agency:inbox")
    return redirect("account_home")
