"""What every page shares, one module per job: links (URL values and notices), widgets (URL-bound controls),
frame (title, error guard, share link, shared settings), charts (sending figures and tables), server (turns, GC)."""
