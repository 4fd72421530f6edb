from urllib.parse import urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from channels.voice.simulator import (
    DIAL_STATUSES,
    QUEUE_RESULTS,
    SimStep,
    Simulation,
    SimulationError,
    call_simulate,
    key_params,
    twiml_pretty,
)


class Command(BaseCommand):
    help = (
        "Walk a whole call through the signed Twilio voice webhooks, as Twilio would: the greeting, "
        "the keys pressed, each transfer's result, the queue, the voice message and the final status. "
        "Prints every request and TwiML answer, then the call's outcome and the callback it created. "
        "With --url the server must use this command's database: the call is marked as a test call here."
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", required=True, help="the number called, e.g. 02901022 (the province follows)")
        parser.add_argument("--from", dest="caller", default="0912345678", help="the caller's number")
        parser.add_argument("--digits", default="", help="keys pressed in order, e.g. 2 or 9482913075#")
        parser.add_argument(
            "--dial-status",
            dest="dial_statuses",
            action="append",
            choices=DIAL_STATUSES,
            help="result of each transfer in turn (the last repeats); default no-answer",
        )
        parser.add_argument("--queue-result", choices=QUEUE_RESULTS, default="leave")
        parser.add_argument("--recording-seconds", type=int, default=20, help="length of the voice message (0: none)")
        parser.add_argument(
            "--url", default=None, help="a running server, e.g. http://localhost:8000 (default: in-process)"
        )
        parser.add_argument("--host", default=None, help="Host header, e.g. camau.localhost (default: the URL's host)")

    def handle(self, *args, **options):
        try:
            simulation = call_simulate(
                to=options["to"],
                caller=options["caller"],
                digits=options["digits"],
                dial_statuses=options["dial_statuses"] or ["no-answer"],
                queue_result=options["queue_result"],
                recording_seconds=options["recording_seconds"],
                base_url=options["url"],
                host=options["host"],
            )
        except SimulationError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{simulation.province.name} — cuộc gọi thử {simulation.call_sid}")
        for number, step in enumerate(simulation, start=1):
            self.step_write(number, step)
        self.summary_write(simulation, options["url"])

    def step_write(self, number: int, step: SimStep) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"{number}. {step.summary}"))
        if not step.url:
            return
        keys = "  ".join(f"{name}={value}" for name, value in key_params(step))
        self.stdout.write(f"   POST {step.url}  →  HTTP {step.status_code}")
        if keys:
            self.stdout.write(f"   {keys}")
        if step.twiml.strip():
            for line in twiml_pretty(step.twiml).splitlines():
                self.stdout.write(f"   | {line}")

    def summary_write(self, simulation: Simulation, base_url: str | None) -> None:
        self.stdout.write("")
        call = simulation.call
        if call is None:
            self.stdout.write(self.style.ERROR("Không có bản ghi cuộc gọi: webhook đầu tiên đã bị từ chối."))
            return
        with translation.override("vi"):
            outcome = call.get_outcome_display()
        self.stdout.write(self.style.SUCCESS(f"Kết quả: {call.outcome} ({outcome})"))
        callback = call.callback
        if callback is None:
            self.stdout.write("Không phát sinh cuộc gọi lại.")
            return
        due = timezone.localtime(callback.due_at)
        self.stdout.write(self.style.WARNING(f"Gọi lại trước {due:%H:%M %d/%m} ({callback.phone})"))
        self.stdout.write(f"Xem tại {callbacks_url(simulation, base_url)}")


def callbacks_url(simulation: Simulation, base_url: str | None) -> str:
    """The province's callback queue, on the scheme and port of the server the call was sent to."""
    domain = simulation.province.get_primary_domain()
    host = domain.domain if domain else ""
    # Without --url, the server people browse is the one PUBLIC_SCHEME/PUBLIC_PORT describe (make run: 8000).
    scheme, port = settings.PUBLIC_SCHEME, settings.PUBLIC_PORT or None
    if base_url:
        parts = urlsplit(base_url)
        scheme, port = parts.scheme, parts.port
    return f"{scheme}://{host}{f':{port}' if port else ''}/cases/callbacks/"
