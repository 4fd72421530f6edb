"""Celery beat that sends per-province tasks to active provinces only."""

from tenant_schemas_celery.scheduler import TenantAwarePersistentScheduler

from tenants.models import Province


class ProvinceScheduler(TenantAwarePersistentScheduler):
    """A merged or suspended province keeps its data but runs no sweeps or deliveries."""

    @classmethod
    def get_queryset(cls):
        return Province.objects.filter(status=Province.Status.ACTIVE)
