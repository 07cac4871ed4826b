"""Where messages come from: local files (``local``) and IMAP (``imap``)."""
