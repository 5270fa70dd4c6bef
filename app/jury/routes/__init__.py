"""The jury's pages, one module per audience; each attaches its views to the blueprint
of app.jury:

- :mod:`.juror`: the jury home, a juror's dossiers, the score form and recusal;
- :mod:`.conflicts`: declaring conflicts of interest (jurors) and the call's conflicts
  (staff);
- :mod:`.chair`: the board, a dossier's reviews, reopening, the scoring phase and the
  reviews export (the call's chairs, and staff);
- :mod:`.staff`: the jury's composition, the assignment (automatic and by hand) and its
  export.
"""

from app.jury.routes import chair, conflicts, juror, staff

__all__ = ["chair", "conflicts", "juror", "staff"]
