"""Document forms. The file is judged by the service (app/documents/services.py)."""

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField

from app.documents.storage import ACCEPT


class UploadForm(FlaskForm):
    """Upload or replace the document of one kind (multipart/form-data)."""

    file = FileField(_l("File"), render_kw={"accept": ACCEPT})
