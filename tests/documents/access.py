"""Who may reach each route of this area: see tests/test_access.py.

The world's application is submitted: the owner's upload and delete are refused
with a message on the documents page (302), not performed.
"""

from app.documents.demo import sample_pdf
from app.documents.services import attach_document
from tests.access_rules import only

EXPECTED = {
    "documents.manage_documents": ("GET", only({"owner"})),
    "documents.upload_document": ("POST", only({"owner"}, ok=302)),
    "documents.remove_document": ("POST", only({"owner"}, ok=302)),
    "documents.download_document": ("GET", only({"owner", "staff", "juror", "chair"})),
    "documents.document_page": ("GET", only({"owner", "staff", "juror", "chair"})),
}


def path_values(users, application) -> dict:
    """A stored CV (row and file) for the world's application."""
    document = attach_document(
        application,
        "cv",
        sample_pdf("CV", ["Access test"]),
        "cv.pdf",
        uploaded_by=users["owner"],
    )
    return {"document_id": document.id, "kind": "cv", "page_number": 1}
