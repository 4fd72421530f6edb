"""The hotline's e-mail channel: mail reaches the province by a signed webhook or from its IMAP mailbox,
is stored raw, parsed and threaded into cases; replies go back threaded, through the province's SMTP."""
