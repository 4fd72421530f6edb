"""The outbox's app sender: a reply is always readable in the app (`GET …/messages/`); this pushes a
notification of it to the installation that sent the report, through FCM.

What the outbox row records as provider id:
- FCM's message name ("projects/<id>/messages/<n>") when the notification was pushed;
- `in-app` when the installation has no push token (notifications refused): the reply waits in the
  app's thread, and there is nothing else to deliver;
- `in-app:token-gone` when FCM says the token is dead (app uninstalled, token rotated): the token is
  forgotten, and the reply waits in the thread like the one before;
- `in-app:push-not-configured` when the province has saved no Firebase service account key yet: the reply is in
  the thread all the same, and holding it back for a notification that cannot be sent would only end
  it as a dead message. The admin's channel overview shows the app as not configured.

No access token (the key refused or revoked, Google's token endpoint down) or FCM refusing or failing
is a delivery error: retried, and dead after the outbox's last attempt, as on every other channel.
A token FCM refuses (401) is dropped from the cache and replaced once before that (`push.push_send`).

Imported at start-up (`channels.registry`), which registers it with the outbox.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from cases.models import Channel, OutboxMessage
from cases.outbox import DeliveryError, message_language, sender
from channels.app.firebase import service_account_parse
from channels.app.models import AppDevice, AppSettings
from channels.app.push import TokenGone, push_send
from channels.app.selectors import device_of_case

IN_APP = "in-app"
IN_APP_TOKEN_GONE = "in-app:token-gone"
IN_APP_PUSH_NOT_CONFIGURED = "in-app:push-not-configured"


@sender(Channel.APP)
def app_send(message: OutboxMessage) -> str:
    """Push one outbox message to the reporting installation; returns the provider id recorded (see above)."""
    device = device_of_case(message.case) if message.case_id else None
    if device is None:
        raise DeliveryError("the case was not reported from an app installation")
    if not device.push_token or device.revoked_at is not None:
        return IN_APP
    key = AppSettings.load().fcm_service_account
    if not key:
        return IN_APP_PUSH_NOT_CONFIGURED
    try:
        account = service_account_parse(key)
    except ValidationError:
        # Saved through the admin it was valid; this is a key changed behind the form's back.
        raise DeliveryError("the Firebase service account key cannot be read") from None
    with message_language():
        title = _("1022 hotline: report %(code)s") % {"code": message.case.display_code}
    try:
        return push_send(
            account=account,
            push_token=device.push_token,
            title=title,
            body=message.body,
            data={"tracking_code": message.case.tracking_code, "kind": message.kind},
        )
    except TokenGone:
        AppDevice.objects.filter(pk=device.pk, push_token=device.push_token).update(push_token="")
        return IN_APP_TOKEN_GONE
