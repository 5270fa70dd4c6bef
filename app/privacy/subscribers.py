"""What the privacy area does when something happens elsewhere (see app.events)."""

from app.events import document_read
from app.privacy.services import record_access


@document_read.connect
def log_sensitive_read(document, *, reader, **_) -> None:
    """A document was downloaded: an identity document or a criminal record extract goes
    on the access log its owner reads (in the transaction of the download)."""
    record_access(document, reader)
