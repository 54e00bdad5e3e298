from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """Django's admin app, with songrec's admin site as `admin.site`."""

    default_site = "songrec_site.admin.SiteAdmin"
