"""Hub mode's dispatcher: on each collector's schedule, one work message per target account and region."""
