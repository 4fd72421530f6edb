"""Platform administration (public schema, national host): provinces and what routes to them."""

from django.contrib import admin

from tenants.models import DialingPrefix, Domain, PhoneNumber, Province


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


class DialingPrefixInline(admin.TabularInline):
    model = DialingPrefix
    extra = 0


class PhoneNumberInline(admin.TabularInline):
    model = PhoneNumber
    extra = 0


@admin.register(Province)
class ProvinceAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "code", "legacy_code", "status", "merged_into", "created_at"]
    list_filter = ["status"]
    search_fields = ["name", "slug", "full_name"]
    inlines = [DomainInline, DialingPrefixInline, PhoneNumberInline]

    def get_queryset(self, request):
        return super().get_queryset(request).provinces()

    def get_readonly_fields(self, request, obj=None):
        # The schema name is fixed once the schema exists; provisioning creates rows, not this form.
        return ["schema_name", "created_at", "updated_at"] if obj else ["created_at", "updated_at"]

    def has_add_permission(self, request):
        return False  # provinces come from `province_provision`, which also builds the schema's content

    def has_delete_permission(self, request, obj=None):
        return False  # suspend or merge; never drop a province's data from a form


@admin.register(DialingPrefix)
class DialingPrefixAdmin(admin.ModelAdmin):
    list_display = ["trunk_form", "province"]
    search_fields = ["area_code", "province__name"]
    list_select_related = ["province"]


@admin.register(PhoneNumber)
class PhoneNumberAdmin(admin.ModelAdmin):
    list_display = ["number", "label", "province"]
    search_fields = ["number", "label", "province__name"]
    list_select_related = ["province"]
