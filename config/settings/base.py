"""Settings shared by every environment. Everything that differs between machines comes from the environment."""

import os
from pathlib import Path

from django.utils.translation import gettext_lazy as _

import environ

from config import embedded

BASE_DIR = Path(__file__).resolve().parents[2]

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# Embedded services and runtime files (PostgreSQL data, Redis data, beat schedule, media).
VAR_DIR = Path(env("VAR_DIR", default=str(BASE_DIR / "var"))).resolve()

SECRET_KEY = env("SECRET_KEY")
DEBUG = env.bool("DEBUG", default=False)
# Demo mode lets `seed_demo` create accounts with the published demo password.
DEMO_MODE = env.bool("DEMO_MODE", default=False)

# Provinces live at <slug>.<BASE_DOMAIN>; national oversight at BASE_DOMAIN itself.
BASE_DOMAIN = env("BASE_DOMAIN", default="localhost")
ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}", *env.list("EXTRA_ALLOWED_HOSTS", default=[])]
# How the public reaches those hosts, for absolute URLs built without a request (Twilio callbacks).
PUBLIC_SCHEME = env("PUBLIC_SCHEME", default="http")
PUBLIC_PORT = env("PUBLIC_PORT", default="")

# --- Applications: placement decides where a table lives (django-tenants) ---------------------
SHARED_APPS = [
    "django_tenants",
    "tenants",
    "oversight",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.admin",
    "django.contrib.messages",
    "django.contrib.staticfiles",
]
TENANT_APPS = [
    # Each province has its own users, groups and sessions: an account cannot cross provinces.
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "wagtail.contrib.forms",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "django.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "cases",
    "channels",
    "cms",
    "channels.web",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels.app",
    "channels.open311",
    "channels.mail",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Province"
# Set the search path once per change of province, not before every query (halves round trips).
TENANT_LIMIT_SET_CALLS = True
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_NAME = "public"
# `make migrate` migrates the province schemas side by side (migrate_schemas --executor=multiprocessing):
# this many forked processes, each handed this many schemas at a time. Measured by `python -m bench migrations`.
TENANT_MULTIPROCESSING_MAX_PROCESSES = int(env("MIGRATION_PROCESSES", default="") or min(os.cpu_count() or 1, 4))
TENANT_MULTIPROCESSING_CHUNKS = env.int("MIGRATION_CHUNKS", default=2)
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
ROOT_URLCONF = "config.urls_tenants"
PUBLIC_SCHEMA_URLCONF = "config.urls_public"

MIDDLEWARE = [
    # Answers /healthz before anything touches the database or needs a known host.
    "config.health.HealthCheckMiddleware",
    # Twilio's fallback URL: a static answer when the database (or anything after this) is down.
    "channels.voice.fallback.FallbackMiddleware",
    "tenants.middleware.ProvinceMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.locale.DefaultLanguageMiddleware",
    # Anonymous visitors of a province's public pages, answered from its own cache (cms.cache).
    "cms.cache.PageCacheMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tenants.context_processors.province",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

# --- PostgreSQL (one schema per province) -------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", default="")
# No URL names a server: the project starts its own (config/embedded.py).
DATABASE_EMBEDDED = not DATABASE_URL
if DATABASE_EMBEDDED:
    DATABASE_URL = embedded.postgres_url(VAR_DIR)
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
DATABASES["default"]["ENGINE"] = "django_tenants.postgresql_backend"
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int("DATABASE_CONNECT_TIMEOUT", default=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: cache and (by default) Celery broker ------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
REDIS_EMBEDDED = not REDIS_URL
if REDIS_EMBEDDED:
    REDIS_URL = embedded.redis_url(VAR_DIR)
CACHES = {
    "default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        # Every key starts with the schema of the active province; without this
        # Wagtail's site-root cache (and ours) would leak across provinces.
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="tongdai1022"),
        "OPTIONS": {
            # A dead Redis degrades to cache misses; it never fails a request.
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": 1,
            "SOCKET_TIMEOUT": 1,
        },
    }
}
DJANGO_REDIS_LOG_IGNORED_EXCEPTIONS = True

# --- Celery ---------------------------------------------------------------------------------------
# REDIS_URL serves as broker unless CELERY_BROKER_URL names another (e.g. amqp:// for RabbitMQ).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="") or embedded.broker_url_for(REDIS_URL)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Asia/Ho_Chi_Minh"
CELERY_BEAT_SCHEDULER = "tenants.scheduler.ProvinceScheduler"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# Entries without "tenant_schemas" run once per active province, in its schema.
CELERY_BEAT_SCHEDULE: dict = {
    "sla-sweep": {"task": "cases.tasks.sla_sweep", "schedule": 60.0, "options": {"expires": 55}},
    "outbox-flush": {"task": "cases.tasks.outbox_flush", "schedule": 60.0, "options": {"expires": 55}},
    "voice-measures": {"task": "channels.tasks.voice_measures", "schedule": 300.0, "options": {"expires": 290}},
    "voice-calls-stale": {"task": "channels.tasks.voice_calls_stale", "schedule": 600.0, "options": {"expires": 590}},
    # The province's mailbox over IMAP, when it has one (channels.mail); the lock keeps runs from overlapping.
    "mail-fetch": {"task": "channels.mail.tasks.mail_fetch", "schedule": 60.0, "options": {"expires": 55}},
    # National rollups (oversight.rollups): the days whose reports or call measures changed, per province.
    "oversight-rollups": {
        "task": "oversight.tasks.rollups_refresh_task",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # FAQ views counted in Redis, added to the pages' counters (cms.cache).
    "faq-views-flush": {"task": "cms.tasks.faq_views_flush", "schedule": 300.0, "options": {"expires": 290}},
    "voice-fallback-snapshot": {
        "task": "channels.tasks.voice_fallback_snapshot",
        "schedule": 600.0,
        "options": {"expires": 590},
    },
}

# --- Telephony (Twilio) ----------------------------------------------------------------------------
# Where REST calls go: Twilio in production, a local fake server in tests.
TWILIO_API_URL = env("TWILIO_API_URL", default="https://api.twilio.com")
# The chat providers' APIs (local fake servers in tests).
ZALO_API_URL = env("ZALO_API_URL", default="https://openapi.zalo.me")
FACEBOOK_GRAPH_URL = env("FACEBOOK_GRAPH_URL", default="https://graph.facebook.com/v21.0")
VIBER_API_URL = env("VIBER_API_URL", default="https://chatapi.viber.com/pa")
# Firebase Cloud Messaging (HTTP v1), which pushes replies to the province's app (a local fake server in tests).
FCM_API_URL = env("FCM_API_URL", default="https://fcm.googleapis.com")
# Read by the database-down fallback (channels.voice.fallback): one file per province, no database needed.
VOICE_FALLBACK_DIR = VAR_DIR / "voice-fallback"
VOICE_FALLBACK_NUMBER = env("VOICE_FALLBACK_NUMBER", default="")

# --- The app API (channels.app, Django REST framework) -----------------------------------------
REST_FRAMEWORK = {
    # Citizens' installations authenticate with their device token; staff never use this API.
    "DEFAULT_AUTHENTICATION_CLASSES": ["channels.app.auth.DeviceTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "UNAUTHENTICATED_USER": None,
    # Proxies in front of the web processes: the client's address is the one they saw (X-Forwarded-For).
    "NUM_PROXIES": env.int("APP_API_PROXIES", default=0),
    # Counted in the Django cache, whose keys carry the province's schema: each province counts its own.
    "DEFAULT_THROTTLE_CLASSES": ["channels.app.throttles.DeviceThrottle", "channels.app.throttles.AddressThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "app_device": env("APP_API_RATE_DEVICE", default="120/min"),
        "app_address": env("APP_API_RATE_ADDRESS", default="600/min"),
        "app_register": env("APP_API_RATE_REGISTER", default="20/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Tổng đài 1022 – API ứng dụng di động",
    "DESCRIPTION": "The province's app: register the installation, send reports, follow them and talk to the hotline.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "PREPROCESSING_HOOKS": ["channels.app.schema.only_app_api"],
}

# --- Web form and status page (channels.web) ------------------------------------------------------
# How many reports and status look-ups one client address may make: (count, seconds) windows.
WEB_REPORT_LIMITS = [(5, 10 * 60), (20, 24 * 60 * 60)]
WEB_LOOKUP_LIMITS = [(10, 10 * 60), (30, 24 * 60 * 60)]
# Wrong answers for one tracking code a day, from any address: its four digits are guessable.
WEB_LOOKUP_FAILURES_PER_CODE = 10
# A form sent sooner than this after it was shown is a bot's; later than the maximum, it is shown again.
WEB_FORM_MIN_SECONDS = 3
WEB_FORM_MAX_AGE_SECONDS = 12 * 60 * 60
# Proxies in front of the web processes that append to X-Forwarded-For (0: REMOTE_ADDR is the client).
WEB_PROXIES = env.int("WEB_PROXIES", default=0)

# --- E-mail (agency notices, escalations, replies to reporters who wrote by e-mail) ---------------
# smtp://user:password@host:587 in production; development writes each mail to a file under var/mail.
if env("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Tổng đài 1022 <no-reply@1022.localhost>")

# --- Accounts ----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/accounts/start/"
LOGOUT_REDIRECT_URL = "/"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 60 * 60  # one operator shift

# --- Language and time: Vietnamese first, English second --------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploaded files go under MEDIA_ROOT/<schema>/: no path is shared between provinces.
MULTITENANT_RELATIVE_MEDIA_ROOT = "%s"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Wagtail (one site per province schema) -----------------------------------------------------
WAGTAIL_SITE_NAME = "Tổng đài 1022"
WAGTAILADMIN_BASE_URL = env("WAGTAILADMIN_BASE_URL", default=f"http://{BASE_DOMAIN}")
WAGTAIL_I18N_ENABLED = False
# Searches ignore Vietnamese diacritics: "simple" with unaccent, created in public by cms/migrations/0003.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database", "SEARCH_CONFIG": "vi_unaccent"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "mp3", "odt", "pdf", "pptx", "rtf", "txt", "wav", "xlsx", "zip"]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
# How long a public page stays cached for anonymous visitors at most; publishing purges it at once.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=600)

# --- Logging: no personal data in log lines; every line names its province schema --------------
LOG_LEVEL = env("LOG_LEVEL", default="INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"tenant_context": {"()": "django_tenants.log.TenantContextFilter"}},
    "formatters": {
        "tenant": {"format": "%(asctime)s %(levelname)s [%(schema_name)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["tenant_context"], "formatter": "tenant"},
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.server": {"level": "INFO"},
        "pgserver": {"level": "WARNING"},
        # It logs every REST request at INFO; failures reach our own log lines anyway.
        "twilio.http_client": {"level": "WARNING"},
        # Wagtail's reference-index updates run as immediate tasks, two INFO lines for every page saved.
        "django_tasks": {"level": "WARNING"},
    },
}
