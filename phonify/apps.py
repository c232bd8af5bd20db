from django.apps import AppConfig


class PhonifyConfig(AppConfig):
    name = "phonify"
    verbose_name = "Phonify (simulated telephony)"
