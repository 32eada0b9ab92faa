from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "notifications"

    def ready(self):
        from connect_api.events import event_subscribe
        from notifications.services import event_mail

        event_subscribe("notifications.mail", event_mail)
