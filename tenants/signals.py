"""Keep the cached host → province lookup honest when routing data changes (admin edits included)."""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from tenants.models import DialingPrefix, Domain, PhoneNumber, Province
from tenants.routing import forget_hosts, forget_numbers


@receiver(pre_save, sender=Domain)
def remember_previous_hostname(sender, instance: Domain, **kwargs):
    instance._previous_domain = (
        Domain.objects.filter(pk=instance.pk).values_list("domain", flat=True).first() if instance.pk else None
    )


@receiver(post_save, sender=Domain)
@receiver(post_delete, sender=Domain)
def forget_domain(sender, instance: Domain, **kwargs):
    forget_hosts([h for h in (instance.domain, getattr(instance, "_previous_domain", None)) if h])


@receiver(post_save, sender=Province)
@receiver(post_delete, sender=Province)
def forget_province_hosts(sender, instance: Province, **kwargs):
    forget_hosts(list(Domain.objects.filter(tenant_id=instance.pk).values_list("domain", flat=True)))


@receiver(post_save, sender=PhoneNumber)
@receiver(post_delete, sender=PhoneNumber)
@receiver(post_save, sender=DialingPrefix)
@receiver(post_delete, sender=DialingPrefix)
@receiver(post_save, sender=Province)
def forget_number_routes(sender, instance, **kwargs):
    forget_numbers()
