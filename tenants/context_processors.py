def province(request):
    """The province of the host (None on the national site), for every template."""
    tenant = getattr(request, "tenant", None)
    return {"province": tenant if tenant is not None and not tenant.is_public else None}
