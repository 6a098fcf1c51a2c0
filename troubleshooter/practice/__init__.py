"""A local practice SMTP server with switchable faults, for help-desk training and tests."""
