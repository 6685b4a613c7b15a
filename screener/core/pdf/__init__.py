"""PDFs: reading them (PDFium through pypdfium2), what identifies them, and matching them
to records. No Qt here: the GUI's viewer draws what ``pages`` gives it."""
