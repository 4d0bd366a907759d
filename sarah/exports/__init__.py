"""Writers of xlsx, csv and pdf over plain report data. No Qt here (the PDF writer lives in ui/)."""
