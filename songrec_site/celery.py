"""The Celery app: Redis as broker, configuration from Django settings (CELERY_*)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "songrec_site.settings")

app = Celery("songrec_site")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
