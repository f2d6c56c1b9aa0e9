"""Hub mode's dispatcher (shared by every scheduled collector): one work message per target account and region."""
