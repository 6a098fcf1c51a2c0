"""troubleshooter: a bilingual (cs/en) troubleshooting chatbot for a website's SMTP settings."""

__version__ = "0.1.0"
